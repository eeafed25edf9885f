package org.fabricve.ha.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fabricve.ha.manager.HaTimings;
import org.fabricve.ha.model.HaConfig;
import org.fabricve.ha.model.RequestedState;
import org.fabricve.ha.model.ServiceConfig;
import org.fabricve.ha.model.Sid;
import org.fabricve.ha.scenario.TimelineCommand;
import org.junit.jupiter.api.Test;

/**
 * The fence bound is only as good as its drift assumption: within it a partitioned node's guest is gone
 * before the manager recovers it; a clock far slower than assumed would break that, and the checker sees it.
 * (A negative control: it shows the double-run check is not vacuous.)
 */
class DriftAssumptionTest {

    private static final Sid VM = Sid.parse("vm:101");

    private static boolean everRanTwice(double driftOfLostNode) {
        HaConfig config = HaConfig.empty(List.of("node1", "node2", "node3")).withService(ServiceConfig.of(VM, "node3", RequestedState.STARTED));
        SimCluster sim = new SimCluster(config, Map.of(), HaTimings.DEFAULT, Map.of("node1", 0.01, "node3", driftOfLostNode));
        for (String n : config.nodes()) sim.apply(new TimelineCommand.Power(n, true));
        sim.advance(5_000);
        assertThat(sim.runningGuests()).containsEntry(VM, Set.of("node3"));
        sim.apply(new TimelineCommand.Network("node3", false));
        boolean twice = false;
        for (int i = 0; i < 300; i++) {
            sim.advance(SimCluster.TICK_MILLIS);
            twice |= sim.runningGuests().getOrDefault(VM, Set.of()).size() > 1;
        }
        assertThat(sim.runningGuests().get(VM)).containsExactly("node1");
        return twice;
    }

    @Test
    void withinTheAssumedDriftTheGuestNeverRunsTwice() {
        assertThat(everRanTwice(-0.01)).isFalse();
    }

    @Test
    void aClockFarSlowerThanAssumedWouldBreakIt() {
        assertThat(everRanTwice(-0.40)).isTrue();
    }
}
