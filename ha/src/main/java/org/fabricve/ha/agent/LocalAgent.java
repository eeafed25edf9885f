package org.fabricve.ha.agent;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.fabricve.ha.manager.CommandResult;
import org.fabricve.ha.manager.HaTimings;
import org.fabricve.ha.manager.LrmMode;
import org.fabricve.ha.manager.ManagerReply;
import org.fabricve.ha.manager.NodeCommand;
import org.fabricve.ha.manager.NodeReport;
import org.fabricve.ha.manager.ServiceState;
import org.fabricve.ha.model.Sid;

/**
 * The per-node local resource manager as pure functions: it renews its lease, runs the manager's orders
 * only while its lease is valid, and fences itself (kills its HA guests and moves to a new generation)
 * the moment its lease runs out on its own clock or the manager refuses it. This is the node half of
 * the fencing protocol described in {@link HaTimings}.
 */
public final class LocalAgent {

    /** How long a shutdown or reboot waits for freeze confirmation or the drain before it stops everything. */
    public static final long LEAVE_TIMEOUT_MILLIS = 60_000;

    public record Step(AgentState state, List<HostAction> actions) {
    }

    private LocalAgent() {
    }

    /**
     * Runs often (every tick): fence when the lease is over, keep HA guests down without a lease, stop them
     * locally when leaving, and leave when the shutdown's condition holds.
     */
    public static Step tick(AgentState s, long now, Set<Sid> runningHere) {
        List<HostAction> actions = new ArrayList<>();
        AgentState st = s;
        if (st.holdsLease() && now >= st.leaseUntil()) st = selfFence(st, runningHere, actions);
        Set<Sid> managedRunning = new TreeSet<>(runningHere);
        managedRunning.retainAll(st.managed());
        if (!st.holdsLease()) {
            if (actions.isEmpty()) managedRunning.forEach(sid -> actions.add(new HostAction.KillGuest(sid)));
            if (st.leaving() >= 0) actions.add(new HostAction.Leave(false));
            return new Step(st, actions);
        }
        if (st.leaving() < 0) return new Step(st, actions);
        boolean timedOut = now - st.leaving() >= LEAVE_TIMEOUT_MILLIS;
        if (st.mode() != LrmMode.MAINTENANCE || timedOut) {
            for (Sid sid : managedRunning) actions.add(new HostAction.StopGuest(sid, 0));
        }
        boolean down = managedRunning.isEmpty();
        boolean ready = switch (st.mode()) {
            case SHUTDOWN -> down;
            case RESTART -> down && st.assigned().values().stream().allMatch(x -> x == ServiceState.FREEZE);
            case MAINTENANCE -> down && st.assigned().values().stream().noneMatch(LocalAgent::busy);
            case ACTIVE -> false;
        };
        if ((ready || (timedOut && down)) && st.inProgress().isEmpty()) actions.add(new HostAction.Leave(true));
        return new Step(st, actions);
    }

    private static boolean busy(ServiceState x) {
        return x == ServiceState.STARTED || x == ServiceState.MIGRATE || x == ServiceState.RELOCATE || x == ServiceState.REQUEST_STOP;
    }

    /** The renewal to send now: generation, mode, what runs here, the results of current orders. */
    public static NodeReport report(AgentState s, Set<Sid> runningHere, boolean releasing) {
        return new NodeReport(s.node(), s.generation(), s.mode(), runningHere, s.results(), releasing);
    }

    /** The manager answered the renewal sent at {@code sentAt} (own clock). */
    public static Step onRenewal(AgentState s, ManagerReply reply, long sentAt, HaTimings t, Set<Sid> runningHere) {
        List<HostAction> actions = new ArrayList<>();
        if (!reply.leaseAccepted()) {
            // refused: this generation is fenced in the manager's eyes; move on to a new one (kills what runs)
            return new Step(selfFence(s, runningHere, actions), actions);
        }
        long until = Math.max(s.holdsLease() ? s.leaseUntil() : Long.MIN_VALUE, sentAt + t.leaseMillis());
        AgentState st = s.with(s.generation(), true, until, s.results(), s.inProgress());
        return onOrders(st, reply);
    }

    /** Orders pushed by the manager (or carried by a renewal answer): run new uids once, while the lease holds. */
    public static Step onOrders(AgentState s, ManagerReply reply) {
        List<HostAction> actions = new ArrayList<>();
        if (!reply.leaseAccepted() || !s.holdsLease()) return new Step(s, actions);
        AgentState st = s.withOrders(reply.managed(), reply.assigned());
        Map<Long, CommandResult> results = new TreeMap<>();
        Set<Long> current = new HashSet<>();
        Set<Long> progress = st.progressCopy();
        for (NodeCommand c : reply.commands()) {
            if (c.generation() != st.generation()) continue;
            current.add(c.uid());
            CommandResult done = st.results().get(c.uid());
            if (done != null) {
                results.put(c.uid(), done);
                continue;
            }
            if (progress.contains(c.uid())) continue;
            boolean leaving = st.leaving() >= 0 && st.mode() != LrmMode.MAINTENANCE;
            HostAction a = switch (c.action()) {
                case START -> leaving ? null : new HostAction.StartGuest(c.sid(), c.uid());
                case STOP -> new HostAction.StopGuest(c.sid(), c.uid());
                case MIGRATE -> leaving ? null : new HostAction.MigrateGuest(c.sid(), c.uid(), c.target());
                case RELOCATE -> new HostAction.RelocateGuest(c.sid(), c.uid(), c.target());
            };
            if (a == null) continue;
            progress.add(c.uid());
            actions.add(a);
        }
        // results of superseded orders are dropped; those of orders still running are kept
        st.results().forEach((uid, r) -> {
            if (progress.contains(uid)) results.put(uid, r);
        });
        return new Step(st.with(st.generation(), true, st.leaseUntil(), results, progress), actions);
    }

    /** The host finished an action of generation {@code generation}; results of older generations are dropped. */
    public static AgentState completed(AgentState s, long generation, CommandResult r) {
        if (generation != s.generation() || r.uid() == 0) return s;
        Set<Long> progress = s.progressCopy();
        progress.remove(r.uid());
        Map<Long, CommandResult> results = s.resultsCopy();
        results.put(r.uid(), r);
        return s.with(s.generation(), s.holdsLease(), s.leaseUntil(), results, progress);
    }

    /**
     * The fabric did not answer an order of {@code generation} (an ask timed out, the shard region was already gone):
     * that says nothing of the guest, so no outcome is recorded; the order runs again when the manager's orders
     * next carry it. Reporting it failed would count against max_restart and max_relocate.
     */
    public static AgentState unanswered(AgentState s, long generation, long uid) {
        Set<Long> progress = s.progressCopy();
        if (generation != s.generation() || !progress.remove(uid)) return s;
        return s.with(s.generation(), s.holdsLease(), s.leaseUntil(), s.results(), progress);
    }

    /**
     * The member is going without a goodbye (downed by the cluster): whatever the lease says, kill the HA guests
     * running here now, since the process that would kill them when the lease runs out is about to exit.
     */
    public static Step fenceNow(AgentState s, Set<Sid> runningHere) {
        List<HostAction> actions = new ArrayList<>();
        return new Step(selfFence(s, runningHere, actions), actions);
    }

    private static AgentState selfFence(AgentState s, Set<Sid> runningHere, List<HostAction> actions) {
        for (Sid sid : runningHere) {
            if (s.managed().contains(sid)) actions.add(new HostAction.KillGuest(sid));
        }
        return s.with(s.generation() + 1, false, Long.MIN_VALUE, Map.of(), Set.of());
    }
}
