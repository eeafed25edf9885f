package org.fabricve.core.guest;

import java.util.List;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.config.VolumeRequest;
import org.fabricve.core.guest.GuestEvent.CreationStarted;
import org.fabricve.core.guest.GuestEvent.OperationStarted;
import org.fabricve.core.guest.GuestEvent.RunStateObserved;
import org.fabricve.core.guest.GuestEvent.TaskFinished;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.core.task.TaskRecord;
import org.fabricve.core.task.Upid;

/**
 * The guest's decisions and its state transitions, as pure functions. The persistent actor only feeds
 * commands in, persists what comes out, and acts on it afterwards.
 */
public final class GuestDecider {

    private GuestDecider() {}

    public static Decision create(GuestState state, int vmid, GuestType type, String node, GuestConfig config,
                                  List<VolumeRequest> newVolumes, Upid upid) {
        return create(state, vmid, type, node, config, newVolumes, upid, false);
    }

    /** A create; with {@code start} the same task starts the guest once it is defined. */
    public static Decision create(GuestState state, int vmid, GuestType type, String node, GuestConfig config,
                                  List<VolumeRequest> newVolumes, Upid upid, boolean start) {
        if (state.exists()) {
            return Decision.reject(Rejection.conflict(state.guest().label() + " already exists on node '"
                    + state.guest().node() + "'"));
        }
        if (state.active() != null) {
            return Decision.reject(busy(Guest.label(type, vmid), state.active()));
        }
        var task = TaskRecord.started(upid, "creating " + Guest.label(type, vmid) + " on node '" + node + "'");
        return Decision.accept(new CreationStarted(vmid, type, node, config, newVolumes, task, start));
    }

    /** A lifecycle operation (start, stop, ...) or a delete. */
    public static Decision operate(GuestState state, int vmid, GuestOperation operation, Upid upid) {
        return operate(state, vmid, operation, upid, null);
    }

    /** {@code shutdown}: how a shutdown waits (null for Proxmox's defaults; ignored by other operations). */
    public static Decision operate(GuestState state, int vmid, GuestOperation operation, Upid upid,
                                   ShutdownOptions shutdown) {
        if (operation == GuestOperation.CREATE || operation == GuestOperation.CONFIG) {
            // a CONFIG task started here would carry no target config and leave the guest without one on success
            throw new IllegalArgumentException(operation.apiName() + " has its own decision");
        }
        if (!state.exists()) {
            return Decision.reject(Rejection.notFound("guest " + vmid + " does not exist"));
        }
        Guest guest = state.guest();
        if (state.active() != null) {
            return Decision.reject(busy(guest.label(), state.active()));
        }
        RunState run = guest.runState();
        String refusal = switch (operation) {
            case START -> run == RunState.RUNNING ? guest.label() + " already running"
                    : run == RunState.PAUSED ? guest.label() + " is suspended - use resume" : null;
            case SHUTDOWN, REBOOT, SUSPEND, RESET, HIBERNATE -> !run.active() ? guest.label() + " not running"
                    : operation == GuestOperation.SUSPEND && run == RunState.PAUSED
                    ? guest.label() + " already suspended" : null;
            case RESUME -> run != RunState.PAUSED ? guest.label() + " is not suspended" : null;
            case DELETE -> run.active() ? guest.label() + " is running - destroy failed" : null;
            case STOP, CREATE, CONFIG -> null;
        };
        if (refusal != null) {
            return Decision.reject(Rejection.conflict(refusal));
        }
        var task = TaskRecord.started(upid, operation.apiName() + " " + guest.label());
        return Decision.accept(new OperationStarted(vmid, operation, task, null, List.of(),
                operation == GuestOperation.SHUTDOWN ? shutdown : null));
    }

    /**
     * A config change validated against {@code basedOn}; refused when the config changed since, so two
     * writers cannot overwrite each other (Proxmox's digest check).
     */
    public static Decision changeConfig(GuestState state, int vmid, GuestConfig basedOn, GuestConfig target,
                                        List<VolumeRequest> newVolumes, Upid upid) {
        if (!state.exists()) {
            return Decision.reject(Rejection.notFound("guest " + vmid + " does not exist"));
        }
        if (state.active() != null) {
            return Decision.reject(busy(state.guest().label(), state.active()));
        }
        if (!state.guest().config().equals(basedOn)) {
            return Decision.reject(Rejection.invalid("digest",
                    "detected modified configuration - file changed by other user? Try again."));
        }
        var task = TaskRecord.started(upid, "update " + state.guest().label() + " config");
        return Decision.accept(new OperationStarted(vmid, GuestOperation.CONFIG, task, target, newVolumes));
    }

    /** The agent's report. Reports for another or an already finished task are ignored (at-least-once delivery). */
    public static Decision finish(GuestState state, String upid, String exitStatus, List<String> log, long endTime,
                                  GuestConfig finalConfig, RunState observedState) {
        return finish(state, upid, exitStatus, log, endTime, finalConfig, observedState, null);
    }

    /** @param runningConfig after a config change of a running guest: what its domain runs with now (else null) */
    public static Decision finish(GuestState state, String upid, String exitStatus, List<String> log, long endTime,
                                  GuestConfig finalConfig, RunState observedState, GuestConfig runningConfig) {
        if (state.active() == null || !state.active().task().upid().equals(upid)) {
            return Decision.accept();
        }
        TaskRecord done = state.active().task().finished(endTime, exitStatus, log);
        return Decision.accept(new TaskFinished(vmidOf(state), done,
                done.succeeded() ? finalConfig : null, observedState, done.succeeded() ? runningConfig : null));
    }

    /** What the hypervisor reports; recorded only when it differs and no operation is in flight (it owns the state then). */
    public static Decision observe(GuestState state, RunState observed, String reason, long time) {
        if (!state.exists() || state.active() != null || state.guest().runState() == observed) {
            return Decision.accept();
        }
        return Decision.accept(new RunStateObserved(state.guest().vmid(), state.guest().runState(), observed,
                reason, time));
    }

    /**
     * Moves the guest's home to {@code node}. A plain move (relocation) needs the guest stopped and idle. A
     * fenced move (HA recovery) is the manager's word that the old node runs nothing any more: an operation
     * still waiting for the dead node ends as failed, and the guest is stopped on its new node.
     */
    public static Decision moveHome(GuestState state, int vmid, String node, boolean fenced, String reason, long time) {
        if (!state.exists()) {
            return Decision.reject(Rejection.notFound("guest " + vmid + " does not exist"));
        }
        Guest guest = state.guest();
        if (guest.node().equals(node)) {
            return Decision.accept();
        }
        List<GuestEvent> events = new java.util.ArrayList<>();
        if (state.active() != null) {
            if (!fenced) {
                return Decision.reject(busy(guest.label(), state.active()));
            }
            events.add(new TaskFinished(vmid, state.active().task().finished(time,
                    "node '" + guest.node() + "' was fenced", List.of("node '" + guest.node() + "' was fenced")),
                    null, RunState.STOPPED));
        } else if (!fenced && guest.runState().active()) {
            return Decision.reject(Rejection.conflict(guest.label() + " is running - stop it before moving it"));
        }
        events.add(new GuestEvent.HomeMoved(vmid, guest.node(), node, fenced, reason, time));
        return new Decision.Accept(events);
    }

    public static GuestState evolve(GuestState state, GuestEvent event) {
        // Java 17: no pattern switch yet; the sealed interface keeps this list complete.
        if (event instanceof CreationStarted e) {
            Guest guest = new Guest(e.vmid(), e.type(), e.node(), e.config(), RunState.STOPPED);
            return state.withGuest(guest)
                    .begin(new ActiveOperation(GuestOperation.CREATE, e.task(), e.config(), e.newVolumes(), e.start()));
        }
        if (event instanceof OperationStarted e) {
            return state.begin(new ActiveOperation(e.operation(), e.task(), e.targetConfig(), e.newVolumes(), false,
                    e.shutdown()));
        }
        if (event instanceof TaskFinished e) {
            return state.finish(stoppedRunsNothing(withRunningConfig(state, e, afterTask(state, e))), e.task());
        }
        if (event instanceof RunStateObserved e) {
            Guest g = state.guest().withRunState(e.to());
            if (!e.from().active() && e.to().active()) {
                g = g.withRunningConfig(g.config()); // started behind the fabric's back: from its config, presumably
            }
            return state.withGuest(stoppedRunsNothing(g));
        }
        if (event instanceof GuestEvent.HomeMoved e) {
            Guest g = state.guest();
            Guest moved = new Guest(g.vmid(), g.type(), e.to(), g.config(), e.fenced() ? RunState.STOPPED : g.runState(),
                    g.runningConfig());
            return state.withGuest(stoppedRunsNothing(moved));
        }
        throw new IllegalStateException("unknown event " + event);
    }

    private static Guest afterTask(GuestState state, TaskFinished e) {
        Guest guest = state.guest();
        GuestOperation op = state.active().operation();
        if (e.task().succeeded()) {
            return switch (op) {
                case DELETE -> null;
                case CREATE -> guest.withConfig(e.finalConfig() != null ? e.finalConfig()
                        : state.active().targetConfig())
                        .withRunState(state.active().startAfter() ? RunState.RUNNING : RunState.STOPPED);
                case CONFIG -> guest.withConfig(e.finalConfig() != null ? e.finalConfig()
                        : state.active().targetConfig());
                default -> guest.withRunState(op.resultingState(guest.runState()));
            };
        }
        if (op == GuestOperation.CREATE) {
            return null;
        }
        return e.observedState() != null ? guest.withRunState(e.observedState()) : guest;
    }

    /**
     * A start runs the config; a config change of a running guest leaves it running what the node reports
     * (the old running config plus what it hotplugged; without a report, the config before the change).
     */
    private static Guest withRunningConfig(GuestState state, TaskFinished e, Guest after) {
        if (after == null || !e.task().succeeded()) {
            return after;
        }
        GuestOperation op = state.active().operation();
        Guest before = state.guest();
        if (op == GuestOperation.START && before.runState() == RunState.HIBERNATED && before.runningConfig() != null) {
            return after; // resumed from its saved memory: the domain it was, pending changes still pending
        }
        if (op == GuestOperation.START || op == GuestOperation.CREATE) {
            return after.withRunningConfig(after.config());
        }
        if (op == GuestOperation.CONFIG && after.runState().active()) {
            return after.withRunningConfig(e.runningConfig() != null ? e.runningConfig() : state.guest().liveConfig());
        }
        return after;
    }

    private static Guest stoppedRunsNothing(Guest g) {
        return g == null || Guest.keepsADomain(g.runState()) || g.runningConfig() == null ? g : g.withRunningConfig(null);
    }

    private static int vmidOf(GuestState state) {
        return state.guest() != null ? state.guest().vmid() : Integer.parseInt(state.active().task().id());
    }

    private static Rejection busy(String label, ActiveOperation active) {
        return Rejection.conflict(label + " is locked (" + active.operation().apiName() + " task "
                + active.task().upid() + " is running)");
    }
}
