package org.fabricve.ha.manager;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fabricve.ha.model.HaConfig;
import org.fabricve.ha.model.RequestedState;
import org.fabricve.ha.model.Rule;
import org.fabricve.ha.model.ServiceConfig;
import org.fabricve.ha.model.Sid;

/**
 * One manager round. Each decision is emitted as an event and folded into the working state at once, so
 * later decisions of the same round see earlier ones (a recovered service counts as load for the next);
 * the caller gets the events, whose fold over the round's starting state is the round's result.
 */
final class ManagerRound {

    private static final int MAX_PASSES = 16;

    private final RoundInput in;
    private final HaConfig config;
    private final HaTimings t;
    private final long now;
    private ManagerState state;
    private final List<HaEvent> events = new ArrayList<>();

    ManagerRound(ManagerState state, RoundInput in) {
        this.state = state;
        this.in = in;
        this.config = in.config();
        this.t = in.timings();
        this.now = in.now();
    }

    List<HaEvent> run() {
        boolean nodesMissing = config.nodes().stream().anyMatch(n -> state.node(n) == null);
        if (!in.managerInstance().equals(state.managerInstance()) || nodesMissing) {
            emit(new HaEvent.ManagerActivated(in.managerNode(), in.managerInstance(), now, config.nodes()));
        }
        for (String n : in.externallyFenced()) {
            NodeStatus ns = state.node(n);
            if (ns != null && ns.generation() > ns.fencedThrough()) emit(new HaEvent.NodeFenced(n, ns.generation(), FenceProof.EXTERNAL));
        }
        updateNodeStates();
        syncConfig();
        in.commands().forEach(this::command);
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            int before = events.size();
            for (Sid sid : List.copyOf(state.services().keySet())) step(sid);
            fencing();
            updateNodeStates();
            if (events.size() == before) break;
        }
        return events;
    }

    private void emit(HaEvent e) {
        events.add(e);
        state = HaManager.evolve(state, e);
    }

    private long uid() {
        return state.nextUid();
    }

    // ---- nodes -------------------------------------------------------------------------------------

    private boolean alive(String node) {
        NodeStatus ns = state.node(node);
        return ns != null && ns.alive(now, t);
    }

    private boolean lost(String node) {
        NodeStatus ns = state.node(node);
        return ns == null || ns.lost(now, t);
    }

    /** Not alive, and its last generation provably runs nothing any more. */
    private boolean provenDown(String node) {
        NodeStatus ns = state.node(node);
        if (ns == null) return true;
        if (ns.alive(now, t)) return false;
        return (ns.generation() >= 0 && ns.generation() <= ns.fencedThrough()) || now - ns.lastSeen() >= t.fenceBoundMillis();
    }

    private boolean wantsMaintenance(String node, NodeStatus ns) {
        return state.maintenance().contains(node) || ns.mode() == LrmMode.MAINTENANCE;
    }

    /** Cleanly left in maintenance: its stopped services stay with it, nothing needs fencing. */
    private boolean drained(String node) {
        NodeStatus ns = state.node(node);
        return ns != null && ns.released() && wantsMaintenance(node, ns);
    }

    private void updateNodeStates() {
        for (var e : state.nodes().entrySet()) {
            String n = e.getKey();
            NodeStatus ns = e.getValue();
            NodeState want;
            if (ns.state() == NodeState.FENCE) continue; // only fencing() leaves FENCE
            if (ns.alive(now, t)) want = wantsMaintenance(n, ns) ? NodeState.MAINTENANCE : NodeState.ONLINE;
            else if (ns.state() == NodeState.MAINTENANCE && drained(n)) want = NodeState.MAINTENANCE;
            else want = NodeState.UNKNOWN;
            if (want != ns.state()) emit(new HaEvent.NodeStateChanged(n, ns.state(), want));
        }
    }

    private void fencing() {
        for (var e : state.nodes().entrySet()) {
            String n = e.getKey();
            NodeStatus ns = e.getValue();
            if (ns.state() != NodeState.FENCE) continue;
            boolean proven = ns.lostGeneration() >= 0 && ns.fencedThrough() >= ns.lostGeneration();
            if (!proven && now - ns.lastSeen() >= t.fenceBoundMillis() && !ns.alive(now, t)) {
                emit(new HaEvent.NodeFenced(n, ns.lostGeneration(), FenceProof.LEASE_EXPIRED));
                proven = true;
            }
            if (proven) {
                NodeStatus after = state.node(n);
                NodeState to = after.alive(now, t) ? (wantsMaintenance(n, after) ? NodeState.MAINTENANCE : NodeState.ONLINE) : NodeState.UNKNOWN;
                emit(new HaEvent.NodeStateChanged(n, NodeState.FENCE, to));
                forServicesOn(n, ServiceState.FENCE, (sid, s) -> change(sid, s.to(ServiceState.RECOVERY, n, s.target(), s.uid()),
                        "node '" + n + "' is fenced"));
            } else if (ns.alive(now, t)) {
                emit(new HaEvent.NodeStateChanged(n, NodeState.FENCE, wantsMaintenance(n, ns) ? NodeState.MAINTENANCE : NodeState.ONLINE));
                forServicesOn(n, ServiceState.FENCE, (sid, s) -> change(sid, s.unfenced(),
                        "node '" + n + "' is back before it was fenced"));
            }
        }
    }

    private void forServicesOn(String node, ServiceState st, java.util.function.BiConsumer<Sid, ServiceStatus> f) {
        for (var e : List.copyOf(state.services().entrySet())) {
            if (e.getValue().state() == st && node.equals(e.getValue().node())) f.accept(e.getKey(), e.getValue());
        }
    }

    private void fence(Sid sid, ServiceStatus s) {
        NodeStatus ns = state.node(s.node());
        if (ns != null && ns.state() != NodeState.FENCE) emit(new HaEvent.NodeStateChanged(s.node(), ns.state(), NodeState.FENCE));
        change(sid, s.fenced(), "node '" + s.node() + "' is lost");
    }

    // ---- configuration and commands ----------------------------------------------------------------

    private void syncConfig() {
        for (ServiceConfig c : config.services().values()) {
            if (state.service(c.sid()) != null || c.state() == RequestedState.IGNORED) continue;
            ServiceState st = c.state() == RequestedState.STARTED ? ServiceState.STARTED : ServiceState.REQUEST_STOP;
            emit(new HaEvent.ServiceAdded(c.sid(), ServiceStatus.initial(st, c.node(), uid())));
        }
        for (Sid sid : List.copyOf(state.services().keySet())) {
            ServiceConfig c = config.services().get(sid);
            if (c == null) emit(new HaEvent.ServiceRemoved(sid, "no config"));
            else if (c.state() == RequestedState.IGNORED) emit(new HaEvent.ServiceRemoved(sid, "ignored state requested"));
        }
    }

    private void command(CrmCommand cmd) {
        if (cmd instanceof CrmCommand.NodeMaintenance m) {
            String text = (m.enable() ? "enable" : "disable") + "-node-maintenance " + m.node();
            if (!config.nodes().contains(m.node())) {
                emit(new HaEvent.CommandHandled(text, false, "no such node"));
            } else if (state.maintenance().contains(m.node()) == m.enable()) {
                emit(new HaEvent.CommandHandled(text, false, "node '" + m.node() + "' is already " + (m.enable() ? "in" : "out of") + " maintenance"));
            } else {
                emit(new HaEvent.CommandHandled(text, true, ""));
                emit(new HaEvent.MaintenanceRequested(m.node(), m.enable()));
            }
            return;
        }
        Sid sid;
        String target;
        Motion.Kind kind;
        if (cmd instanceof CrmCommand.Migrate mg) {
            sid = mg.sid();
            target = mg.node();
            kind = Motion.Kind.MIGRATE;
        } else {
            CrmCommand.Relocate r = (CrmCommand.Relocate) cmd;
            sid = r.sid();
            target = r.node();
            kind = Motion.Kind.RELOCATE;
        }
        String text = kind.wire() + " " + sid + " " + target;
        ServiceStatus s = state.service(sid);
        if (s == null) {
            emit(new HaEvent.CommandHandled(text, false, "no such service"));
            return;
        }
        if (state.nodeState(target) != NodeState.ONLINE) {
            emit(new HaEvent.CommandHandled(text, false, "node not online"));
            return;
        }
        if (target.equals(s.node())) {
            emit(new HaEvent.CommandHandled(text, false, "service already on target node"));
            return;
        }
        for (Rule r : config.rulesFor(sid)) {
            if (r instanceof Rule.NodeAffinity na && na.strict() && !na.nodes().containsKey(target)) {
                emit(new HaEvent.CommandHandled(text, false, "node '" + target + "' is not allowed by strict rule " + na.id()));
                return;
            }
            if (r instanceof Rule.ResourceAffinity ra && ra.affinity() == Rule.Affinity.NEGATIVE) {
                for (Sid other : ra.resources()) {
                    ServiceStatus o = state.service(other);
                    if (other.equals(sid) || o == null || !o.active()) continue;
                    if (target.equals(o.node()) || target.equals(o.target())) {
                        emit(new HaEvent.CommandHandled(text, false, "service '" + other + "' on node '" + target
                                + "' is in negative affinity with service '" + sid + "'"));
                        return;
                    }
                }
            }
        }
        if (kind == Motion.Kind.MIGRATE && !sid.isVm()) kind = Motion.Kind.RELOCATE; // containers cannot live-migrate
        emit(new HaEvent.CommandHandled(text, true, ""));
        Motion motion = new Motion(kind, target);
        change(sid, s.withPending(motion), kind.wire() + " to node '" + target + "' requested");
        for (Rule r : config.rulesFor(sid)) {
            if (r instanceof Rule.ResourceAffinity ra && ra.affinity() == Rule.Affinity.POSITIVE) {
                for (Sid other : ra.resources()) {
                    ServiceStatus o = state.service(other);
                    if (other.equals(sid) || o == null || target.equals(o.node()) || o.pending() != null) continue;
                    Motion.Kind k = other.isVm() ? motion.kind() : Motion.Kind.RELOCATE;
                    change(other, o.withPending(new Motion(k, target)),
                            k.wire() + " to node '" + target + "' (in positive affinity with service '" + sid + "')");
                }
            }
        }
    }

    // ---- services ----------------------------------------------------------------------------------

    private void change(Sid sid, ServiceStatus after, String message) {
        ServiceStatus before = state.service(sid);
        emit(new HaEvent.ServiceChanged(sid, before.state(), after, message));
    }

    private Optional<CommandResult> result(ServiceStatus s, String node) {
        NodeReport r = in.reports().get(node);
        if (r == null) return Optional.empty();
        NodeStatus ns = state.node(node);
        if (ns == null || r.generation() != ns.generation()) return Optional.empty();
        return Optional.ofNullable(r.results().get(s.uid()));
    }

    private ServiceState afterMove(RequestedState req) {
        return req == RequestedState.STARTED ? ServiceState.STARTED : ServiceState.REQUEST_STOP;
    }

    private void step(Sid sid) {
        ServiceStatus s = state.service(sid);
        ServiceConfig c = config.services().get(sid);
        RequestedState req = c == null ? RequestedState.DISABLED : c.state();
        NodeStatus ns = state.node(s.node());
        boolean frozenNode = ns != null && alive(s.node()) && ns.mode() == LrmMode.RESTART;
        switch (s.state()) {
            case STOPPED -> stepStopped(sid, s, req, frozenNode);
            case REQUEST_STOP -> {
                Optional<CommandResult> r = result(s, s.node());
                if (r.isPresent()) {
                    if (r.get().outcome() == CommandResult.Outcome.SUCCESS) change(sid, s.to(ServiceState.STOPPED, s.node(), null, uid()), "stopped");
                    else change(sid, s.to(ServiceState.ERROR, s.node(), null, uid()), "stop failed (" + r.get().outcome() + ")");
                } else if (lost(s.node())) {
                    fence(sid, s);
                } else if (frozenNode) {
                    change(sid, s.to(ServiceState.FREEZE, s.node(), null, uid()), "node '" + s.node() + "' restarts, freeze");
                }
            }
            case STARTED -> stepStarted(sid, s, c, req, frozenNode);
            case MIGRATE, RELOCATE -> {
                Optional<CommandResult> r = result(s, s.node());
                if (r.isPresent()) {
                    switch (r.get().outcome()) {
                        case SUCCESS -> change(sid, s.to(afterMove(req), s.target(), null, uid()),
                                s.state().wire() + " to node '" + s.target() + "' done");
                        case FAILED -> change(sid, s.to(afterMove(req), s.node(), null, uid()),
                                s.state().wire() + " to node '" + s.target() + "' failed, stays on '" + s.node() + "'");
                        case WRONG_NODE -> change(sid, s.to(ServiceState.ERROR, s.node(), null, uid()), "service registered on wrong node");
                    }
                } else if (lost(s.node())) {
                    fence(sid, s);
                }
            }
            case RECOVERY -> stepRecovery(sid, s, req);
            case FREEZE -> {
                if (alive(s.node()) && ns.mode() == LrmMode.ACTIVE) {
                    change(sid, s.to(afterMove(req), s.node(), null, uid()), "node '" + s.node() + "' is back, unfreeze");
                }
            }
            case ERROR -> {
                if (req == RequestedState.DISABLED) {
                    change(sid, s.to(ServiceState.STOPPED, s.node(), null, uid()).withFailures(List.of(), 0), "error cleared (disabled)");
                }
            }
            case FENCE -> {
                // fencing() decides
            }
        }
    }

    private void stepStopped(Sid sid, ServiceStatus s, RequestedState req, boolean frozenNode) {
        if (s.pending() != null) {
            Motion m = s.pending();
            ServiceStatus cleared = s.withPending(null);
            if (state.nodeState(m.target()) == NodeState.ONLINE && !m.target().equals(s.node()) && alive(s.node())) {
                change(sid, cleared.to(ServiceState.RELOCATE, s.node(), m.target(), uid()), "move stopped service to node '" + m.target() + "'");
            } else {
                change(sid, cleared, "ignore " + m.kind().wire() + " request - node '" + m.target() + "' not online or source lost");
            }
            return;
        }
        if (req == RequestedState.DISABLED) return;
        if (lost(s.node()) && !drained(s.node())) {
            fence(sid, s);
            return;
        }
        if (frozenNode) {
            change(sid, s.to(ServiceState.FREEZE, s.node(), null, uid()), "node '" + s.node() + "' restarts, freeze");
            return;
        }
        if (req == RequestedState.STARTED) change(sid, s.to(ServiceState.STARTED, s.node(), null, uid()), "start requested");
    }

    private void stepStarted(Sid sid, ServiceStatus s, ServiceConfig c, RequestedState req, boolean frozenNode) {
        if (lost(s.node())) {
            fence(sid, s);
            return;
        }
        if (!alive(s.node())) return; // a missed renewal or two: wait for the online timeout
        if (frozenNode) {
            change(sid, s.to(ServiceState.FREEZE, s.node(), null, uid()), "node '" + s.node() + "' restarts, freeze");
            return;
        }
        if (req != RequestedState.STARTED) {
            change(sid, s.withPending(null).to(ServiceState.REQUEST_STOP, s.node(), null, uid()), "stop requested (" + req.wire() + ")");
            return;
        }
        if (s.pending() != null) {
            Motion m = s.pending();
            ServiceStatus cleared = s.withPending(null).withMaintenanceNode(null);
            if (state.nodeState(m.target()) == NodeState.ONLINE && !m.target().equals(s.node())) {
                ServiceState how = m.kind() == Motion.Kind.MIGRATE && s.running() ? ServiceState.MIGRATE : ServiceState.RELOCATE;
                change(sid, cleared.to(how, s.node(), m.target(), uid()), how.wire() + " service to node '" + m.target() + "'");
            } else {
                change(sid, cleared, "ignore " + m.kind().wire() + " request - node '" + m.target() + "' not online");
            }
            return;
        }
        Optional<CommandResult> r = result(s, s.node());
        Placement.Preference pref = Placement.Preference.STAY;
        ServiceStatus cur = s;
        if (r.isPresent()) {
            if (r.get().outcome() == CommandResult.Outcome.SUCCESS) {
                if (!s.running()) {
                    String msg = s.failedNodes().isEmpty() ? "running on node '" + s.node() + "'"
                            : "relocation policy successful on node '" + s.node() + "', failed nodes: " + String.join(", ", s.failedNodes());
                    cur = s.withRunning(true).withFailures(List.of(), 0);
                    change(sid, cur, msg);
                } else if (!in.reports().get(s.node()).running().contains(sid)) {
                    change(sid, s.withRunning(false).withUid(uid()), "guest stopped unexpectedly on node '" + s.node() + "', start it again");
                    return;
                }
            } else if (r.get().outcome() == CommandResult.Outcome.WRONG_NODE) {
                change(sid, s.to(ServiceState.ERROR, s.node(), null, uid()), "service registered on wrong node");
                return;
            } else {
                if (s.restartTries() < c.maxRestart()) {
                    change(sid, s.withFailures(s.failedNodes(), s.restartTries() + 1).withUid(uid()),
                            "start failed on node '" + s.node() + "', restart policy: retry number " + (s.restartTries() + 1));
                    return;
                }
                List<String> failed = new ArrayList<>(s.failedNodes());
                failed.add(s.node());
                cur = s.withFailures(failed, 0);
                if (failed.size() > c.maxRelocate()) {
                    change(sid, cur.to(ServiceState.ERROR, s.node(), null, uid()),
                            "recovery policy failed, entering error state. Failed nodes: " + String.join(", ", failed));
                    return;
                }
                pref = Placement.Preference.TRY_NEXT;
            }
        }
        if (cur.maintenanceNode() != null && cur.maintenanceNode().equals(cur.node()) && state.nodeState(cur.node()) == NodeState.ONLINE) {
            cur = cur.withMaintenanceNode(null);
            change(sid, cur, "back on node '" + cur.node() + "' after its maintenance");
        }
        Optional<String> where = Placement.select(sid, cur, config, state, in.capacities(), pref);
        if (where.isPresent() && !where.get().equals(cur.node())) {
            String to = where.get();
            ServiceStatus moving = cur;
            if (state.nodeState(cur.node()) == NodeState.MAINTENANCE) moving = cur.withMaintenanceNode(cur.node());
            else if (to.equals(cur.maintenanceNode())) moving = cur.withMaintenanceNode(null);
            ServiceState how = sid.isVm() && cur.running() ? ServiceState.MIGRATE : ServiceState.RELOCATE;
            String why = pref == Placement.Preference.TRY_NEXT ? "start failed on node '" + cur.node() + "', relocate"
                    : state.nodeState(cur.node()) == NodeState.MAINTENANCE ? "node '" + cur.node() + "' is in maintenance, " + how.wire()
                    : how.wire();
            change(sid, moving.to(how, cur.node(), to, uid()), why + " service to node '" + to + "'");
        } else if (pref == Placement.Preference.TRY_NEXT) {
            change(sid, cur.withUid(uid()), "tried all available nodes, retry start on current node '" + cur.node() + "'");
        }
    }

    private void stepRecovery(Sid sid, ServiceStatus s, RequestedState req) {
        String fencedNode = s.node();
        Optional<String> where = Optional.empty();
        for (var e : in.reports().entrySet()) {
            if (alive(e.getKey()) && e.getValue().running().contains(sid)
                    && e.getValue().generation() == state.node(e.getKey()).generation()) {
                where = Optional.of(e.getKey()); // it already runs there (a migration finished): adopt it
            }
        }
        if (where.isEmpty() && s.target() != null) {
            if (alive(s.target())) where = Optional.of(s.target());
            else if (!provenDown(s.target())) return; // the migration may have finished there: wait until it is fenced
        }
        if (where.isEmpty()) {
            where = Placement.select(sid, s, config, state, in.capacities(), Placement.Preference.BEST);
        }
        if (where.isPresent()) {
            ServiceStatus st = s.to(afterMove(req), where.get(), null, uid()).withMaintenanceNode(null);
            emit(new HaEvent.ServiceRecovered(sid, fencedNode, st));
        } else if (req == RequestedState.DISABLED) {
            change(sid, s.to(ServiceState.STOPPED, s.node(), null, uid()).withFailures(List.of(), 0), "disabled while waiting for recovery");
        }
    }
}
