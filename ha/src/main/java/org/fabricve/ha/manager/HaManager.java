package org.fabricve.ha.manager;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.fabricve.ha.model.HaConfig;
import org.fabricve.ha.model.Sid;

/**
 * The HA manager as pure functions. {@link #onReport} decides a lease renewal, {@link #round} decides one
 * manager round, {@link #evolve} folds an event into the state, {@link #reply} derives a node's orders
 * from the state. No clock, no I/O: the shell ({@code ManagerService}) feeds it through an environment.
 */
public final class HaManager {

    private HaManager() {
    }

    /** The events of a renewal and the answer the node gets. */
    public record ReportDecision(List<HaEvent> events, boolean accepted) {
    }

    public static ReportDecision onReport(ManagerState state, NodeReport r, long now) {
        NodeStatus ns = state.node(r.node());
        if (ns == null) return new ReportDecision(List.of(), false);
        if (r.generation() <= ns.fencedThrough()) {
            return new ReportDecision(List.of(new HaEvent.RenewalRefused(r.node(), r.generation())), false);
        }
        List<HaEvent> events = new ArrayList<>();
        if (ns.generation() >= 0 && r.generation() > ns.generation() && ns.generation() > ns.fencedThrough()) {
            events.add(new HaEvent.NodeFenced(r.node(), ns.generation(), FenceProof.NEW_GENERATION));
        }
        events.add(new HaEvent.NodeSeen(r.node(), r.generation(), now, r.mode(), r.released()));
        if (r.released()) events.add(new HaEvent.NodeFenced(r.node(), r.generation(), FenceProof.RELEASED));
        return new ReportDecision(events, !r.released());
    }

    /** One manager round: node states, configuration changes, operator commands, every service, fencing. */
    public static List<HaEvent> round(ManagerState state, RoundInput input) {
        return new ManagerRound(state, input).run();
    }

    public static ManagerState evolveAll(ManagerState state, List<HaEvent> events) {
        ManagerState s = state;
        for (HaEvent e : events) s = evolve(s, e);
        return s;
    }

    public static ManagerState evolve(ManagerState s, HaEvent e) {
        if (e instanceof HaEvent.ManagerActivated a) {
            TreeMap<String, NodeStatus> nodes = new TreeMap<>();
            for (String n : a.nodes()) {
                NodeStatus old = s.node(n);
                nodes.put(n, old == null ? NodeStatus.unseen(a.now()) : old.withLastSeen(a.now()));
            }
            return s.withManager(a.node(), a.instance(), nodes);
        } else if (e instanceof HaEvent.NodeSeen seen) {
            NodeStatus ns = s.node(seen.node());
            return ns == null ? s : s.withNode(seen.node(), ns.seen(seen.now(), seen.generation(), seen.mode(), seen.released()));
        } else if (e instanceof HaEvent.NodeStateChanged c) {
            return s.withNode(c.node(), s.node(c.node()).withState(c.to()));
        } else if (e instanceof HaEvent.NodeFenced f) {
            return s.withNode(f.node(), s.node(f.node()).fencedThrough(f.generation()));
        } else if (e instanceof HaEvent.MaintenanceRequested m) {
            return s.withMaintenance(m.node(), m.enabled());
        } else if (e instanceof HaEvent.ServiceAdded a) {
            return s.withService(a.sid(), a.status());
        } else if (e instanceof HaEvent.ServiceChanged c) {
            return s.withService(c.sid(), c.status());
        } else if (e instanceof HaEvent.ServiceRecovered r) {
            return s.withService(r.sid(), r.status());
        } else if (e instanceof HaEvent.ServiceRemoved r) {
            return s.withService(r.sid(), null);
        }
        return s; // RenewalRefused, CommandHandled: nothing to remember
    }

    /** The node's orders: one per service it holds (the source, for moves), in the node's current generation. */
    public static List<NodeCommand> commands(ManagerState s, String node) {
        NodeStatus ns = s.node(node);
        if (ns == null) return List.of();
        List<NodeCommand> out = new ArrayList<>();
        s.services().forEach((sid, st) -> {
            if (!node.equals(st.node())) return;
            NodeCommand.Action a = switch (st.state()) {
                case STARTED -> NodeCommand.Action.START;
                case STOPPED, REQUEST_STOP -> NodeCommand.Action.STOP;
                case MIGRATE -> NodeCommand.Action.MIGRATE;
                case RELOCATE -> NodeCommand.Action.RELOCATE;
                default -> null;
            };
            if (a != null) out.add(new NodeCommand(node, ns.generation(), sid, st.uid(), a, st.target()));
        });
        return out;
    }

    public static ManagerReply reply(ManagerState s, String node, boolean accepted) {
        if (!accepted) return ManagerReply.refused(node);
        Map<Sid, ServiceState> assigned = new TreeMap<>();
        s.services().forEach((sid, st) -> {
            if (node.equals(st.node()) || node.equals(st.target())) assigned.put(sid, st.state());
        });
        return new ManagerReply(node, true, commands(s, node), assigned, new TreeSet<>(s.services().keySet()));
    }

    static List<String> nodesOf(HaConfig config) {
        return config.nodes();
    }
}
