package org.fabricve.core.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fabricve.core.guest.Guests.ALLOCATED;
import static org.fabricve.core.guest.Guests.NODE;
import static org.fabricve.core.guest.Guests.REQUESTED;
import static org.fabricve.core.guest.Guests.VMID;
import static org.fabricve.core.guest.Guests.VOLUMES;
import static org.fabricve.core.guest.Guests.busy;
import static org.fabricve.core.guest.Guests.created;
import static org.fabricve.core.guest.Guests.events;
import static org.fabricve.core.guest.Guests.fold;
import static org.fabricve.core.guest.Guests.idle;
import static org.fabricve.core.guest.Guests.ok;
import static org.fabricve.core.guest.Guests.rejection;
import static org.fabricve.core.guest.Guests.upid;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.guest.GuestEvent.CreationStarted;
import org.fabricve.core.guest.GuestEvent.OperationStarted;
import org.fabricve.core.guest.GuestEvent.RunStateObserved;
import org.fabricve.core.guest.GuestEvent.TaskFinished;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.core.task.TaskRecord;
import org.fabricve.core.task.Upid;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class GuestDeciderTest {

    /** The operations {@link GuestDecider#operate} decides (create and config changes have their own). */
    static Stream<GuestOperation> lifecycle() {
        return Stream.of(GuestOperation.values())
                .filter(op -> op != GuestOperation.CREATE && op != GuestOperation.CONFIG);
    }

    @Nested
    class Create {

        @Test
        void onAFreeVmidStartsTheCreation() {
            Upid upid = upid(GuestOperation.CREATE);
            List<GuestEvent> events = events(GuestDecider.create(GuestState.EMPTY, VMID, GuestType.QEMU, NODE, REQUESTED,
                    VOLUMES, upid));
            assertThat(events).hasSize(1);
            CreationStarted e = (CreationStarted) events.get(0);
            assertThat(e.vmid()).isEqualTo(VMID);
            assertThat(e.type()).isEqualTo(GuestType.QEMU);
            assertThat(e.node()).isEqualTo(NODE);
            assertThat(e.config()).isEqualTo(REQUESTED);
            assertThat(e.newVolumes()).isEqualTo(VOLUMES);
            assertThat(e.task()).isEqualTo(TaskRecord.started(upid, "creating VM 100 on node 'pve1'"));

            GuestState s = GuestDecider.evolve(GuestState.EMPTY, e);
            assertThat(s.guest()).isEqualTo(new Guest(VMID, GuestType.QEMU, NODE, REQUESTED, RunState.STOPPED));
            assertThat(s.active()).isEqualTo(new ActiveOperation(GuestOperation.CREATE, e.task(), REQUESTED, VOLUMES));
            assertThat(s.recentTasks()).isEmpty();
            assertThat(s.task(upid.format())).contains(e.task());
        }

        @Test
        void wordsAContainerCreationAsCt() {
            Upid upid = upid(GuestType.LXC, GuestOperation.CREATE, VMID);
            CreationStarted e = (CreationStarted) events(GuestDecider.create(GuestState.EMPTY, VMID, GuestType.LXC, NODE,
                    GuestConfig.empty(GuestType.LXC), List.of(), upid)).get(0);
            assertThat(e.task().log()).containsExactly("creating CT 100 on node 'pve1'");
            assertThat(e.task().type()).isEqualTo("vzcreate");
        }

        @Test
        void onAnExistingGuestIsAConflict() {
            Rejection r = rejection(GuestDecider.create(created(), VMID, GuestType.QEMU, "pve2", REQUESTED, List.of(),
                    upid(GuestOperation.CREATE)));
            assertThat(r).isEqualTo(Rejection.conflict("VM 100 already exists on node 'pve1'"));
        }

        @Test
        void whileTheCreateRunsIsAConflict() {
            GuestState creating = fold(GuestState.EMPTY, GuestDecider.create(GuestState.EMPTY, VMID, GuestType.QEMU, NODE,
                    REQUESTED, VOLUMES, upid(GuestOperation.CREATE)));
            Rejection r = rejection(GuestDecider.create(creating, VMID, GuestType.LXC, NODE,
                    GuestConfig.empty(GuestType.LXC), List.of(), upid(GuestOperation.CREATE)));
            assertThat(r.kind()).isEqualTo(Rejection.Kind.CONFLICT);
            assertThat(r.message()).isEqualTo("VM 100 already exists on node 'pve1'");
        }

        @Test
        void whileADeleteRunsIsAConflict() {
            GuestState s = created();
            GuestState deleting = fold(s, GuestDecider.operate(s, VMID, GuestOperation.DELETE, upid(GuestOperation.DELETE)));
            Rejection r = rejection(GuestDecider.create(deleting, VMID, GuestType.QEMU, NODE, REQUESTED, List.of(),
                    upid(GuestOperation.CREATE)));
            assertThat(r).isEqualTo(Rejection.conflict("VM 100 already exists on node 'pve1'"));
        }

        @Test
        void isAllowedAgainAfterTheDeleteSucceeded() {
            GuestState s = created();
            GuestState deleted = ok(fold(s, GuestDecider.operate(s, VMID, GuestOperation.DELETE, upid(GuestOperation.DELETE))));
            assertThat(deleted.exists()).isFalse();
            assertThat(events(GuestDecider.create(deleted, VMID, GuestType.LXC, NODE, GuestConfig.empty(GuestType.LXC),
                    List.of(), upid(GuestOperation.CREATE)))).singleElement().isInstanceOf(CreationStarted.class);
        }

        @Test
        void isAllowedAgainAfterACreateFailed() {
            GuestState creating = fold(GuestState.EMPTY, GuestDecider.create(GuestState.EMPTY, VMID, GuestType.QEMU, NODE,
                    REQUESTED, VOLUMES, upid(GuestOperation.CREATE)));
            GuestState failed = fold(creating, GuestDecider.finish(creating, creating.active().task().upid(),
                    "storage 'local' full", List.of(), 5, null, null));
            assertThat(events(GuestDecider.create(failed, VMID, GuestType.QEMU, NODE, REQUESTED, VOLUMES,
                    upid(GuestOperation.CREATE)))).singleElement().isInstanceOf(CreationStarted.class);
        }

        @Test
        void successLeavesAStoppedGuestWithTheFinalConfig() {
            Upid upid = upid(GuestOperation.CREATE);
            GuestState creating = fold(GuestState.EMPTY, GuestDecider.create(GuestState.EMPTY, VMID, GuestType.QEMU, NODE,
                    REQUESTED, VOLUMES, upid));
            List<GuestEvent> finished = events(GuestDecider.finish(creating, upid.format(), "OK", List.of("allocated"),
                    99, ALLOCATED, null));
            TaskFinished f = (TaskFinished) finished.get(0);
            assertThat(f.vmid()).isEqualTo(VMID);
            assertThat(f.finalConfig()).isEqualTo(ALLOCATED);
            assertThat(f.task().log()).containsExactly("creating VM 100 on node 'pve1'", "allocated", "TASK OK");

            GuestState s = fold(creating, finished);
            assertThat(s.guest()).isEqualTo(new Guest(VMID, GuestType.QEMU, NODE, ALLOCATED, RunState.STOPPED));
            assertThat(s.active()).isNull();
            assertThat(s.recentTasks()).containsExactly(f.task());
            assertThat(s.task(upid.format())).contains(f.task());
        }

        @Test
        void successWithoutAFinalConfigKeepsTheRequestedOne() {
            Upid upid = upid(GuestOperation.CREATE);
            GuestState creating = fold(GuestState.EMPTY, GuestDecider.create(GuestState.EMPTY, VMID, GuestType.QEMU, NODE,
                    REQUESTED, List.of(), upid));
            assertThat(ok(creating).guest().config()).isEqualTo(REQUESTED);
        }

        @Test
        void failureFreesTheVmidButKeepsTheTask() {
            Upid upid = upid(GuestOperation.CREATE);
            GuestState creating = fold(GuestState.EMPTY, GuestDecider.create(GuestState.EMPTY, VMID, GuestType.QEMU, NODE,
                    REQUESTED, VOLUMES, upid));
            List<GuestEvent> finished = events(GuestDecider.finish(creating, upid.format(), "storage 'local' full",
                    List.of(), 5, ALLOCATED, RunState.STOPPED));
            TaskFinished f = (TaskFinished) finished.get(0);
            assertThat(f.finalConfig()).as("a failed task carries no config").isNull();
            assertThat(f.task().exitStatus()).isEqualTo("storage 'local' full");

            GuestState s = fold(creating, finished);
            assertThat(s.guest()).isNull();
            assertThat(s.exists()).isFalse();
            assertThat(s.active()).isNull();
            assertThat(s.recentTasks()).containsExactly(f.task());
            assertThat(s.task(upid.format())).hasValueSatisfying(t -> assertThat(t.log()).last()
                    .isEqualTo("TASK ERROR: storage 'local' full"));
        }
    }

    @Nested
    class Operate {

        static Stream<Arguments> matrix() {
            // operation, run state, refusal (null: accepted)
            return Stream.of(
                    Arguments.of(GuestOperation.START, RunState.STOPPED, null),
                    Arguments.of(GuestOperation.START, RunState.RUNNING, "VM 100 already running"),
                    Arguments.of(GuestOperation.START, RunState.PAUSED, "VM 100 is suspended - use resume"),
                    Arguments.of(GuestOperation.START, RunState.HIBERNATED, null),
                    Arguments.of(GuestOperation.STOP, RunState.HIBERNATED, null),
                    Arguments.of(GuestOperation.SHUTDOWN, RunState.HIBERNATED, "VM 100 not running"),
                    Arguments.of(GuestOperation.REBOOT, RunState.HIBERNATED, "VM 100 not running"),
                    Arguments.of(GuestOperation.SUSPEND, RunState.HIBERNATED, "VM 100 not running"),
                    Arguments.of(GuestOperation.RESUME, RunState.HIBERNATED, "VM 100 is not suspended"),
                    Arguments.of(GuestOperation.DELETE, RunState.HIBERNATED, null),
                    Arguments.of(GuestOperation.RESET, RunState.STOPPED, "VM 100 not running"),
                    Arguments.of(GuestOperation.RESET, RunState.RUNNING, null),
                    Arguments.of(GuestOperation.RESET, RunState.PAUSED, null),
                    Arguments.of(GuestOperation.RESET, RunState.HIBERNATED, "VM 100 not running"),
                    Arguments.of(GuestOperation.HIBERNATE, RunState.STOPPED, "VM 100 not running"),
                    Arguments.of(GuestOperation.HIBERNATE, RunState.RUNNING, null),
                    Arguments.of(GuestOperation.HIBERNATE, RunState.PAUSED, null),
                    Arguments.of(GuestOperation.HIBERNATE, RunState.HIBERNATED, "VM 100 not running"),
                    Arguments.of(GuestOperation.STOP, RunState.STOPPED, null),
                    Arguments.of(GuestOperation.STOP, RunState.RUNNING, null),
                    Arguments.of(GuestOperation.STOP, RunState.PAUSED, null),
                    Arguments.of(GuestOperation.SHUTDOWN, RunState.STOPPED, "VM 100 not running"),
                    Arguments.of(GuestOperation.SHUTDOWN, RunState.RUNNING, null),
                    Arguments.of(GuestOperation.SHUTDOWN, RunState.PAUSED, null),
                    Arguments.of(GuestOperation.REBOOT, RunState.STOPPED, "VM 100 not running"),
                    Arguments.of(GuestOperation.REBOOT, RunState.RUNNING, null),
                    Arguments.of(GuestOperation.REBOOT, RunState.PAUSED, null),
                    Arguments.of(GuestOperation.SUSPEND, RunState.STOPPED, "VM 100 not running"),
                    Arguments.of(GuestOperation.SUSPEND, RunState.RUNNING, null),
                    Arguments.of(GuestOperation.SUSPEND, RunState.PAUSED, "VM 100 already suspended"),
                    Arguments.of(GuestOperation.RESUME, RunState.STOPPED, "VM 100 is not suspended"),
                    Arguments.of(GuestOperation.RESUME, RunState.RUNNING, "VM 100 is not suspended"),
                    Arguments.of(GuestOperation.RESUME, RunState.PAUSED, null),
                    Arguments.of(GuestOperation.DELETE, RunState.STOPPED, null),
                    Arguments.of(GuestOperation.DELETE, RunState.RUNNING, "VM 100 is running - destroy failed"),
                    Arguments.of(GuestOperation.DELETE, RunState.PAUSED, "VM 100 is running - destroy failed"));
        }

        @Test
        void theMatrixCoversEveryLifecycleOperationInEveryRunState() {
            assertThat(matrix()).hasSize((int) lifecycle().count() * RunState.values().length);
        }

        @ParameterizedTest(name = "{0} on an idle {1} guest")
        @MethodSource("matrix")
        void idleGuest(GuestOperation op, RunState run, String refusal) {
            GuestState s = idle(run);
            Upid upid = upid(op);
            Decision d = GuestDecider.operate(s, VMID, op, upid);
            if (refusal != null) {
                assertThat(rejection(d)).isEqualTo(Rejection.conflict(refusal));
                return;
            }
            OperationStarted e = (OperationStarted) events(d).get(0);
            assertThat(events(d)).hasSize(1);
            assertThat(e).isEqualTo(new OperationStarted(VMID, op, TaskRecord.started(upid, op.apiName() + " VM 100"),
                    null, List.of()));
            GuestState started = GuestDecider.evolve(s, e);
            assertThat(started.guest()).isEqualTo(s.guest());
            assertThat(started.active()).isEqualTo(new ActiveOperation(op, e.task(), null, List.of()));
            assertThat(started.recentTasks()).isEqualTo(s.recentTasks());

            // success: the state the operation leaves behind
            GuestState done = ok(started);
            assertThat(done.active()).isNull();
            assertThat(done.recentTasks()).last().satisfies(t -> {
                assertThat(t.upid()).isEqualTo(upid.format());
                assertThat(t.succeeded()).isTrue();
            });
            if (op == GuestOperation.DELETE) {
                assertThat(done.guest()).isNull();
            } else {
                assertThat(done.guest().withRunningConfig(null)).isEqualTo(s.guest().withRunningConfig(null).withRunState(op.resultingState(run)));
                // what its domain runs with: the config (nothing changed it), and nothing once it stopped
                assertThat(done.guest().liveConfig()).isEqualTo(s.guest().config());
                if (!Guest.keepsADomain(done.guest().runState())) {
                    assertThat(done.guest().runningConfig()).isNull();
                }
            }

            // failure: unchanged unless the hypervisor said otherwise
            GuestState failed = fold(started, GuestDecider.finish(started, upid.format(), "boom", List.of(), 7, null, null));
            assertThat(failed.guest()).isEqualTo(s.guest());
            assertThat(failed.active()).isNull();
            assertThat(failed.recentTasks()).last().extracting(TaskRecord::exitStatus).isEqualTo("boom");
            for (RunState observed : RunState.values()) {
                GuestState seen = fold(started, GuestDecider.finish(started, upid.format(), "boom", List.of(), 7, null,
                        observed));
                Guest expected = s.guest().withRunState(observed);
                assertThat(seen.guest()).isEqualTo(Guest.keepsADomain(observed) ? expected : expected.withRunningConfig(null));
            }
        }

        @ParameterizedTest(name = "{0} on a busy {1} guest")
        @MethodSource("matrix")
        void busyGuestIsLocked(GuestOperation op, RunState run, String ignored) {
            GuestState s = busy(run);
            Rejection r = rejection(GuestDecider.operate(s, VMID, op, upid(op)));
            assertThat(r).isEqualTo(Rejection.conflict("VM 100 is locked (stop task " + s.active().task().upid()
                    + " is running)"));
        }

        @ParameterizedTest
        @MethodSource("org.fabricve.core.guest.GuestDeciderTest#lifecycle")
        void unknownGuestIsNotFound(GuestOperation op) {
            Rejection r = rejection(GuestDecider.operate(GuestState.EMPTY, 123, op, upid(op)));
            assertThat(r).isEqualTo(Rejection.notFound("guest 123 does not exist"));
        }

        @ParameterizedTest
        @MethodSource("org.fabricve.core.guest.GuestDeciderTest#lifecycle")
        void aDeletedGuestIsNotFound(GuestOperation op) {
            GuestState s = created();
            GuestState deleted = ok(fold(s, GuestDecider.operate(s, VMID, GuestOperation.DELETE, upid(GuestOperation.DELETE))));
            assertThat(rejection(GuestDecider.operate(deleted, VMID, op, upid(op))).kind())
                    .isEqualTo(Rejection.Kind.NOT_FOUND);
        }

        @Test
        void createAndConfigChangesAreNotLifecycleOperations() {
            GuestState s = created();
            assertThatThrownBy(() -> GuestDecider.operate(s, VMID, GuestOperation.CREATE, upid(GuestOperation.CREATE)))
                    .isInstanceOf(IllegalArgumentException.class);
            // a config change without a target config would leave the guest without a config on success
            assertThatThrownBy(() -> GuestDecider.operate(s, VMID, GuestOperation.CONFIG, upid(GuestOperation.CONFIG)))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void containersAreWordedAsCt() {
            GuestState s = created(GuestType.LXC);
            Upid upid = upid(GuestType.LXC, GuestOperation.START, VMID);
            OperationStarted e = (OperationStarted) events(GuestDecider.operate(s, VMID, GuestOperation.START, upid)).get(0);
            assertThat(e.task().log()).containsExactly("start CT 100");
            assertThat(rejection(GuestDecider.operate(s, VMID, GuestOperation.RESUME, upid)).message())
                    .isEqualTo("CT 100 is not suspended");
        }

        @Test
        void deleteSuccessFreesTheVmidAndKeepsTheTask() {
            GuestState s = created();
            Upid upid = upid(GuestOperation.DELETE);
            GuestState deleting = fold(s, GuestDecider.operate(s, VMID, GuestOperation.DELETE, upid));
            GuestState deleted = ok(deleting);
            assertThat(deleted.guest()).isNull();
            assertThat(deleted.active()).isNull();
            assertThat(deleted.recentTasks()).hasSize(2);
            assertThat(deleted.task(upid.format())).hasValueSatisfying(t -> {
                assertThat(t.succeeded()).isTrue();
                assertThat(t.log()).containsExactly("destroy VM 100", "TASK OK");
            });
        }
    }

    @Nested
    class ChangeConfig {

        private final GuestConfig target = ALLOCATED.with("memory", "4096").with("scsi1", "local:8");
        private final GuestConfig allocatedTarget = target.withAllocatedVolume("scsi1", "local", "vm-100-disk-1", 8);
        private final List<org.fabricve.core.config.VolumeRequest> volumes =
                List.of(new org.fabricve.core.config.VolumeRequest("scsi1", "local", 8));

        @Test
        void basedOnTheCurrentConfigIsAccepted() {
            GuestState s = created();
            Upid upid = upid(GuestOperation.CONFIG);
            List<GuestEvent> events = events(GuestDecider.changeConfig(s, VMID, ALLOCATED, target, volumes, upid));
            assertThat(events).containsExactly(new OperationStarted(VMID, GuestOperation.CONFIG,
                    TaskRecord.started(upid, "update VM 100 config"), target, volumes));
            GuestState changing = fold(s, events);
            assertThat(changing.active()).isEqualTo(new ActiveOperation(GuestOperation.CONFIG,
                    ((OperationStarted) events.get(0)).task(), target, volumes));
            assertThat(changing.guest().config()).as("unchanged until the task ends").isEqualTo(ALLOCATED);

            assertThat(ok(changing, allocatedTarget).guest().config()).isEqualTo(allocatedTarget);
            assertThat(ok(changing).guest().config()).as("no final config: the target").isEqualTo(target);
            GuestState failed = fold(changing, GuestDecider.finish(changing, upid.format(), "no space", List.of(), 3,
                    allocatedTarget, null));
            assertThat(failed.guest()).isEqualTo(s.guest());
        }

        @Test
        void keepsTheRunState() {
            GuestState s = idle(RunState.RUNNING);
            GuestState changed = ok(fold(s, GuestDecider.changeConfig(s, VMID, ALLOCATED, target, List.of(),
                    upid(GuestOperation.CONFIG))));
            assertThat(changed.guest()).isEqualTo(s.guest().withConfig(target));
        }

        @Test
        void aRunningGuestRunsWhatTheNodeSaysUntilItsNextStart() {
            GuestState s = idle(RunState.RUNNING);
            assertThat(s.guest().runningConfig()).as("a start runs the config").isEqualTo(ALLOCATED);
            Upid upid = upid(GuestOperation.CONFIG);
            GuestState changing = fold(s, GuestDecider.changeConfig(s, VMID, ALLOCATED, allocatedTarget, List.of(), upid));
            GuestConfig hotplugged = ALLOCATED.with("scsi1", allocatedTarget.get("scsi1"));
            GuestState changed = fold(changing, GuestDecider.finish(changing, upid.format(), TaskRecord.OK, List.of(), 3,
                    allocatedTarget, null, hotplugged));
            assertThat(changed.guest().config()).isEqualTo(allocatedTarget);
            assertThat(changed.guest().runningConfig()).isEqualTo(hotplugged);
            assertThat(Hotplug.pending(changed.guest().runningConfig(), changed.guest().config()))
                    .filteredOn(r -> r.pending() != null).extracting(Hotplug.PendingRow::key).containsExactly("memory");

            // without the node's word: it still runs what it ran before
            GuestState unreported = ok(fold(s, GuestDecider.changeConfig(s, VMID, ALLOCATED, target, List.of(),
                    upid(GuestOperation.CONFIG))));
            assertThat(unreported.guest().runningConfig()).isEqualTo(ALLOCATED);

            GuestState hibernated = ok(fold(changed, GuestDecider.operate(changed, VMID, GuestOperation.HIBERNATE,
                    upid(GuestOperation.HIBERNATE))));
            assertThat(hibernated.guest().liveConfig()).as("its saved memory holds the domain").isEqualTo(hotplugged);
            GuestState resumed = ok(fold(hibernated, GuestDecider.operate(hibernated, VMID, GuestOperation.START,
                    upid(GuestOperation.START))));
            assertThat(resumed.guest().runningConfig()).as("resumed, not restarted").isEqualTo(hotplugged);

            GuestState stopped = ok(fold(changed, GuestDecider.operate(changed, VMID, GuestOperation.STOP,
                    upid(GuestOperation.STOP))));
            assertThat(stopped.guest().runningConfig()).as("a stopped guest runs nothing").isNull();
            GuestState restarted = ok(fold(stopped, GuestDecider.operate(stopped, VMID, GuestOperation.START,
                    upid(GuestOperation.START))));
            assertThat(restarted.guest().runningConfig()).as("the pending changes applied").isEqualTo(allocatedTarget);
        }

        @Test
        void basedOnAStaleConfigIsADigestMismatch() {
            GuestState s = created();
            Rejection r = rejection(GuestDecider.changeConfig(s, VMID, REQUESTED, target, volumes,
                    upid(GuestOperation.CONFIG)));
            assertThat(r.kind()).isEqualTo(Rejection.Kind.INVALID_PARAMETER);
            assertThat(r.param()).isEqualTo("digest");
            assertThat(r.message()).isEqualTo("detected modified configuration - file changed by other user? Try again.");
        }

        @Test
        void onABusyGuestIsLockedEvenWhenTheDigestIsStale() {
            GuestState s = busy(RunState.RUNNING);
            assertThat(rejection(GuestDecider.changeConfig(s, VMID, ALLOCATED, target, volumes,
                    upid(GuestOperation.CONFIG))).kind()).isEqualTo(Rejection.Kind.CONFLICT);
            assertThat(rejection(GuestDecider.changeConfig(s, VMID, REQUESTED, target, volumes,
                    upid(GuestOperation.CONFIG))).message()).startsWith("VM 100 is locked (stop task UPID:");
        }

        @Test
        void onAnUnknownGuestIsNotFound() {
            assertThat(rejection(GuestDecider.changeConfig(GuestState.EMPTY, 7, ALLOCATED, target, volumes,
                    upid(GuestOperation.CONFIG)))).isEqualTo(Rejection.notFound("guest 7 does not exist"));
        }

        @Test
        void aSecondWriterBasedOnTheOldConfigLosesAfterTheFirstSucceeded() {
            GuestState s = created();
            GuestState changed = ok(fold(s, GuestDecider.changeConfig(s, VMID, ALLOCATED, target, List.of(),
                    upid(GuestOperation.CONFIG))));
            assertThat(rejection(GuestDecider.changeConfig(changed, VMID, ALLOCATED, ALLOCATED.with("cores", "4"),
                    List.of(), upid(GuestOperation.CONFIG))).param()).isEqualTo("digest");
        }
    }

    @Nested
    class Finish {

        @Test
        void theRightUpidFinishesTheTask() {
            GuestState s = busy(RunState.RUNNING);
            TaskRecord running = s.active().task();
            List<GuestEvent> events = events(GuestDecider.finish(s, running.upid(), "OK", List.of("stopped"), 42, null,
                    RunState.STOPPED));
            assertThat(events).containsExactly(new TaskFinished(VMID, running.finished(42, "OK", List.of("stopped")),
                    null, RunState.STOPPED));
        }

        @Test
        void aWrongUpidIsIgnored() {
            GuestState s = busy(RunState.RUNNING);
            assertThat(events(GuestDecider.finish(s, upid(GuestOperation.STOP).format(), "OK", List.of(), 1, null, null)))
                    .isEmpty();
            assertThat(events(GuestDecider.finish(s, "not a upid", "OK", List.of(), 1, null, null))).isEmpty();
        }

        @Test
        void aDuplicateReportIsIgnored() {
            GuestState s = busy(RunState.RUNNING);
            String upid = s.active().task().upid();
            GuestState done = fold(s, GuestDecider.finish(s, upid, "OK", List.of(), 1, null, null));
            assertThat(events(GuestDecider.finish(done, upid, "OK", List.of(), 2, null, null))).isEmpty();
            assertThat(events(GuestDecider.finish(done, upid, "late error", List.of(), 2, null, RunState.RUNNING))).isEmpty();
        }

        @Test
        void aDuplicateReportAfterADeleteIsIgnored() {
            GuestState s = created();
            GuestState deleting = fold(s, GuestDecider.operate(s, VMID, GuestOperation.DELETE, upid(GuestOperation.DELETE)));
            String upid = deleting.active().task().upid();
            GuestState deleted = ok(deleting);
            assertThat(events(GuestDecider.finish(deleted, upid, "OK", List.of(), 2, null, null))).isEmpty();
            assertThat(events(GuestDecider.finish(GuestState.EMPTY, upid, "OK", List.of(), 2, null, null))).isEmpty();
        }

        @Test
        void theFinalConfigIsOnlyCarriedOnSuccess() {
            GuestState s = busy(RunState.STOPPED);
            String upid = s.active().task().upid();
            assertThat(((TaskFinished) events(GuestDecider.finish(s, upid, "OK", List.of(), 1, ALLOCATED, null)).get(0))
                    .finalConfig()).isEqualTo(ALLOCATED);
            assertThat(((TaskFinished) events(GuestDecider.finish(s, upid, "err", List.of(), 1, ALLOCATED, null)).get(0))
                    .finalConfig()).isNull();
        }
    }

    @Nested
    class Observe {

        @ParameterizedTest
        @EnumSource(RunState.class)
        void aDifferentStateOfAnIdleGuestIsRecorded(RunState believed) {
            GuestState s = idle(believed);
            for (RunState observed : RunState.values()) {
                List<GuestEvent> events = events(GuestDecider.observe(s, observed, "domain crashed", 77));
                if (observed == believed) {
                    assertThat(events).isEmpty();
                } else {
                    assertThat(events).containsExactly(new RunStateObserved(VMID, believed, observed, "domain crashed", 77));
                    GuestState after = fold(s, events);
                    assertThat(after.guest().withRunningConfig(null)).isEqualTo(s.guest().withRunningConfig(null).withRunState(observed));
                    GuestConfig had = s.guest().runningConfig();
                    assertThat(after.guest().runningConfig()).isEqualTo(!Guest.keepsADomain(observed) ? null
                            : had != null ? had : observed.active() ? s.guest().config() : null);
                    assertThat(after.guest().liveConfig()).isEqualTo(s.guest().config());
                    assertThat(after.recentTasks()).isEqualTo(s.recentTasks());
                    assertThat(after.active()).isNull();
                }
            }
        }

        @ParameterizedTest
        @EnumSource(RunState.class)
        void aBusyGuestIgnoresObservations(RunState observed) {
            assertThat(events(GuestDecider.observe(busy(RunState.RUNNING), observed, "x", 1))).isEmpty();
        }

        @ParameterizedTest
        @EnumSource(RunState.class)
        void anUnknownGuestIgnoresObservations(RunState observed) {
            assertThat(events(GuestDecider.observe(GuestState.EMPTY, observed, "x", 1))).isEmpty();
        }
    }

    @Nested
    class RecentTasks {

        @Test
        void areBoundedAndKeepTheNewest() {
            GuestState s = created();
            List<String> finished = new ArrayList<>();
            finished.add(s.recentTasks().get(0).upid());
            for (int i = 0; i < 20; i++) {
                GuestOperation op = s.guest().runState() == RunState.STOPPED ? GuestOperation.START : GuestOperation.STOP;
                Upid upid = upid(op);
                s = ok(fold(s, GuestDecider.operate(s, VMID, op, upid)));
                finished.add(upid.format());
                assertThat(s.recentTasks()).hasSizeLessThanOrEqualTo(GuestState.RECENT_TASKS);
            }
            assertThat(s.recentTasks()).hasSize(GuestState.RECENT_TASKS);
            assertThat(s.recentTasks()).extracting(TaskRecord::upid)
                    .containsExactlyElementsOf(finished.subList(finished.size() - GuestState.RECENT_TASKS, finished.size()));
            assertThat(s.task(finished.get(0))).as("evicted").isEmpty();
        }

        @Test
        void theActiveTaskIsFoundBeforeItFinishes() {
            GuestState s = busy(RunState.RUNNING);
            assertThat(s.task(s.active().task().upid())).contains(s.active().task());
            assertThat(s.task("UPID:nope")).isEmpty();
        }
    }
}
