package org.fabricve.ha.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.fabricve.ha.manager.HaEvent;
import org.fabricve.ha.manager.ServiceState;
import org.fabricve.ha.manager.ServiceStatus;
import org.fabricve.ha.model.Sid;
import org.junit.jupiter.api.Test;

/** Which recovered guests' homes a manager that takes over must confirm again, read from the journal's events. */
class RecoveredHomesTest {

    private static final Sid VM = Sid.parse("vm:103");
    private static final ServiceStatus ON_NODE1 = ServiceStatus.initial(ServiceState.STARTED, "node1", 7);

    @Test
    void aRecoveredGuestStaysToConfirmUntilItRunsOnItsNewNode() {
        RecoveredHomes recovered = RecoveredHomes.NONE.evolve(new HaEvent.ServiceRecovered(VM, "node3", ON_NODE1));
        assertThat(recovered.homes()).isEqualTo(Map.of(VM, "node1"));

        RecoveredHomes failedOnce = recovered.evolve(new HaEvent.ServiceChanged(VM, ServiceState.STARTED,
                ON_NODE1.withUid(8), "start failed on node 'node1', restart policy: retry number 1"));
        assertThat(failedOnce.homes()).as("a restart in place still needs the home there").containsEntry(VM, "node1");

        RecoveredHomes running = failedOnce.evolve(new HaEvent.ServiceChanged(VM, ServiceState.STARTED,
                ON_NODE1.withRunning(true), "running on node 'node1'"));
        assertThat(running.homes()).isEmpty();
    }

    @Test
    void aRecoveredGuestThatMovedOnOrWasRemovedIsNotConfirmedAgain() {
        RecoveredHomes recovered = RecoveredHomes.NONE.evolve(new HaEvent.ServiceRecovered(VM, "node3", ON_NODE1));

        RecoveredHomes relocated = recovered.evolve(new HaEvent.ServiceChanged(VM, ServiceState.STARTED,
                ON_NODE1.to(ServiceState.RELOCATE, "node1", "node2", 9), "relocate service to node 'node2'"));
        RecoveredHomes removed = recovered.evolve(new HaEvent.ServiceRemoved(VM, "deleted"));

        assertThat(relocated.homes()).as("a relocation moves the home itself").isEmpty();
        assertThat(removed.homes()).isEmpty();
    }
}
