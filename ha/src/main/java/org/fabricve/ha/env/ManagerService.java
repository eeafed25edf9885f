package org.fabricve.ha.env;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fabricve.ha.manager.HaEvent;
import org.fabricve.ha.manager.HaManager;
import org.fabricve.ha.manager.HaTimings;
import org.fabricve.ha.manager.ManagerReply;
import org.fabricve.ha.manager.ManagerState;
import org.fabricve.ha.manager.NodeReport;
import org.fabricve.ha.manager.NodeStatus;
import org.fabricve.ha.manager.RoundInput;

/**
 * The manager's shell: holds the state, feeds the pure {@link HaManager} through the environment, applies
 * and publishes its events, and sends the orders. Single-threaded by contract (an actor in the real
 * cluster, the simulator's loop here). The state would be persisted from the events; the latest reports
 * are soft state that a new manager instance simply waits for.
 */
public final class ManagerService {

    private final HaEnvironment env;
    private final HaTimings timings;
    private ManagerState state;
    private final Map<String, NodeReport> latest = new HashMap<>();
    private String host;
    private long incarnation;
    private final String id = java.util.UUID.randomUUID().toString().substring(0, 8);

    public ManagerService(HaEnvironment env, HaTimings timings, ManagerState initial) {
        this.env = env;
        this.timings = timings;
        this.state = initial;
    }

    public ManagerState state() {
        return state;
    }

    public HaTimings timings() {
        return timings;
    }

    /**
     * A node's lease renewal and report; the answer renews its lease (or refuses it) and carries its orders.
     * Empty (no answer, as if the message were lost) while this instance is not the active quorate manager:
     * a refusal would make healthy nodes fence themselves during a manager hand-over.
     */
    public Optional<ManagerReply> receive(NodeReport report) {
        if (!env.quorate() || !instance().equals(state.managerInstance())) return Optional.empty();
        HaManager.ReportDecision d = HaManager.onReport(state, report, env.now());
        apply(d.events());
        if (d.accepted()) latest.put(report.node(), report);
        else latest.remove(report.node());
        return Optional.of(HaManager.reply(state, report.node(), d.accepted()));
    }

    /** One round; returns its events (heartbeats excluded), for callers that watch for quiet. */
    public List<HaEvent> round() {
        if (!env.quorate()) {
            host = null; // whatever happens next is a new incarnation with a fresh view
            latest.clear();
            return List.of();
        }
        if (!env.localNode().equals(host)) {
            latest.clear(); // a new incarnation knows nothing but the persisted state
            host = env.localNode();
            incarnation++;
        }
        RoundInput in = new RoundInput(env.now(), env.localNode(), instance(), env.config(), latest, env.takeCommands(),
                env.externallyFenced(), env.capacities(), timings);
        List<HaEvent> events = HaManager.round(state, in);
        apply(events);
        long now = env.now();
        state.nodes().forEach((node, ns) -> {
            if (ns.alive(now, timings)) env.send(HaManager.reply(state, node, true));
        });
        return events;
    }

    /** This manager incarnation: unique across processes and across each (re)gain of quorum. */
    private String instance() {
        return host + "/" + id + "/" + incarnation;
    }

    private void apply(List<HaEvent> events) {
        for (HaEvent e : events) {
            state = HaManager.evolve(state, e);
            if (e instanceof HaEvent.ServiceRecovered r) env.reassign(r.sid(), r.fromNode(), r.status().node());
            env.publish(e);
        }
    }

    public NodeStatus node(String name) {
        return state.node(name);
    }
}
