package org.fabricve.core.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.hypervisor.DomainStatus;
import org.fabricve.core.hypervisor.IoCounters;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.core.task.TaskRecord;
import org.fabricve.core.task.Upid;
import org.junit.jupiter.api.Test;

class ReconciliationTest {

    private static GuestState idle(int vmid, RunState run) {
        return new GuestState(guest(vmid, run), null, List.of());
    }

    private static GuestState busy(int vmid, RunState run) {
        TaskRecord task = TaskRecord.started(new Upid("pve1", vmid, 1, 2, "qmstart", Integer.toString(vmid), "root@pam"), "x");
        return new GuestState(guest(vmid, run), new ActiveOperation(GuestOperation.START, task, null, List.of()), List.of());
    }

    private static Guest guest(int vmid, RunState run) {
        return new Guest(vmid, GuestType.QEMU, "pve1", GuestConfig.of(GuestType.QEMU, Map.of("memory", "512")), run);
    }

    private static DomainStatus domain(String name, RunState state) {
        return new DomainStatus(name, "uuid-" + name, state, 1, 512L << 20, 0, 0, IoCounters.NONE);
    }

    @Test
    void nothingDiffersWhenEverythingAgrees() {
        var report = Reconciliation.compare(List.of(idle(100, RunState.RUNNING), idle(101, RunState.STOPPED),
                idle(102, RunState.PAUSED)), List.of(domain("fabric-100", RunState.RUNNING),
                domain("fabric-101", RunState.STOPPED), domain("fabric-102", RunState.PAUSED)));
        assertThat(report.differing()).isEmpty();
        assertThat(report.missingDomains()).isEmpty();
        assertThat(report.foreignDomains()).isEmpty();
        assertThat(report.interrupted()).isEmpty();
    }

    @Test
    void everyPairOfDifferentStatesIsReported() {
        for (RunState believed : RunState.values()) {
            for (RunState observed : RunState.values()) {
                var report = Reconciliation.compare(List.of(idle(100, believed)),
                        List.of(domain("fabric-100", observed)));
                if (believed == observed) {
                    assertThat(report.differing()).isEmpty();
                } else {
                    assertThat(report.differing()).containsExactly(
                            new Reconciliation.StateDiffers(100, believed, observed));
                }
                assertThat(report.missingDomains()).isEmpty();
                assertThat(report.foreignDomains()).isEmpty();
            }
        }
    }

    @Test
    void aGuestWithoutADomainIsMissing() {
        GuestState s = idle(100, RunState.RUNNING);
        var report = Reconciliation.compare(List.of(s, idle(101, RunState.STOPPED)),
                List.of(domain("fabric-101", RunState.STOPPED)));
        assertThat(report.missingDomains()).containsExactly(s.guest());
        assertThat(report.differing()).isEmpty();
        assertThat(report.interrupted()).isEmpty();
    }

    @Test
    void domainsNoGuestOwnsAreForeign() {
        var report = Reconciliation.compare(List.of(idle(100, RunState.RUNNING)), List.of(
                domain("fabric-100", RunState.RUNNING), domain("win10", RunState.RUNNING),
                domain("fabric-999", RunState.STOPPED), domain("fabric-100-old", RunState.STOPPED)));
        assertThat(report.foreignDomains()).containsExactly("fabric-100-old", "fabric-999", "win10");
        assertThat(report.differing()).isEmpty();
        assertThat(report.missingDomains()).isEmpty();
    }

    @Test
    void aFreedVmidOwnsNoDomain() {
        // a deleted guest (or a failed create) keeps its tasks but owns nothing any more
        var deleted = new GuestState(null, null, List.of());
        var report = Reconciliation.compare(List.of(deleted), List.of(domain("fabric-100", RunState.STOPPED)));
        assertThat(report.foreignDomains()).containsExactly("fabric-100");
        assertThat(report.missingDomains()).isEmpty();
    }

    @Test
    void guestsWithAnOperationInFlightAreInterruptedOnly() {
        var report = Reconciliation.compare(
                List.of(busy(100, RunState.STOPPED), busy(101, RunState.RUNNING), idle(102, RunState.RUNNING)),
                List.of(domain("fabric-100", RunState.RUNNING), domain("fabric-102", RunState.PAUSED)));
        assertThat(report.interrupted()).containsExactlyInAnyOrder(100, 101);
        // 100 differs and 101 has no domain, but their tasks own their state
        assertThat(report.differing()).containsExactly(new Reconciliation.StateDiffers(102, RunState.RUNNING,
                RunState.PAUSED));
        assertThat(report.missingDomains()).isEmpty();
        // a busy guest's domain is still its own, not foreign
        assertThat(report.foreignDomains()).isEmpty();
    }

    @Test
    void emptyInputsGiveAnEmptyReport() {
        var report = Reconciliation.compare(List.of(), List.of());
        assertThat(report).isEqualTo(new Reconciliation.Report(List.of(), List.of(), java.util.Set.of(), List.of()));
    }
}
