package org.fabricve.gateway;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.fabricve.ha.manager.HaStatus;
import org.fabricve.ha.manager.LrmMode;
import org.fabricve.ha.manager.NodeState;
import org.fabricve.ha.manager.NodeStatus;
import org.fabricve.ha.manager.ServiceStatus;
import org.fabricve.ha.model.HaConfig;
import org.fabricve.ha.model.Rule;
import org.fabricve.ha.model.ServiceConfig;
import org.fabricve.ha.runtime.HaManagerEntity;

/**
 * The shapes of {@code /cluster/ha/status/current} and {@code /manager_status}, as Proxmox's
 * {@code PVE::API2::HA::Status} builds them, derived purely from the manager's status. Times on the manager's
 * monotonic clock are turned into epoch seconds through {@code epochSecond}, the wall clock at {@code s.now()}.
 */
final class HaStatusViews {

    /** Proxmox prints times with Perl's {@code localtime} in scalar context: {@code Sat Apr 25 19:16:34 2026}. */
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

    private HaStatusViews() {
    }

    /** Where the view is asked: the answering node, whether it is quorate, and its wall clock now. */
    record Here(String node, boolean quorate, long epochSecond, ZoneId zone) {
    }

    static List<Map<String, Object>> current(HaManagerEntity.Status s, Here here) {
        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(row("quorum", "quorum", here.node(), here.quorate() ? "OK" : "No quorum on node '" + here.node() + "'!",
                Map.of("quorate", here.quorate() ? 1 : 0)));
        String master = s.managerNode();
        // Proxmox: 'active' while the manager writes its status, 'idle' when quorate with nothing to manage
        String masterState = s.active() ? "active" : here.quorate() && s.config().services().isEmpty() ? "idle" : "inactive";
        rows.add(row("master", "master", master, master + " (" + masterState + ", " + ctime(here.epochSecond(), here.zone()) + ")",
                Map.of("timestamp", here.epochSecond())));
        s.manager().nodes().forEach((n, ns) -> {
            long ts = timestamp(s, ns, here);
            rows.add(row("lrm:" + n, "lrm", n, n + " (" + lrmText(s, n, ns) + ", " + ctime(ts, here.zone()) + ")",
                    Map.of("timestamp", ts)));
        });
        HaStatus.current(s.config(), s.manager()).forEach((sid, v) -> {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("sid", sid.toString());
            extra.put("state", v.state());
            if (v.crmState() != null) extra.put("crm_state", v.crmState());
            extra.put("request_state", v.requestState());
            ServiceConfig c = s.config().services().get(sid);
            groupOf(s.config(), c).ifPresent(g -> extra.put("group", g));
            extra.put("max_restart", c.maxRestart());
            extra.put("max_relocate", c.maxRelocate());
            if (!c.comment().isEmpty()) extra.put("comment", c.comment());
            rows.add(row("service:" + sid, "service", v.node(), sid + " (" + v.node() + ", " + v.state() + ")", extra));
        });
        return rows;
    }

    static java.util.Optional<String> groupOf(HaConfig c, ServiceConfig s) {
        return c.rulesFor(s.sid()).stream().filter(r -> r instanceof Rule.NodeAffinity).map(Rule::id).findFirst();
    }

    /**
     * Proxmox's LRM text: {@code MODE mode} when not active, else the LRM state ({@code idle} when it holds no
     * active service).
     */
    private static String lrmText(HaManagerEntity.Status s, String node, NodeStatus ns) {
        String mode = lrmMode(s, node, ns);
        if (!mode.equals("active")) return mode + " mode";
        String state = lrmState(s, node, ns);
        boolean busy = s.manager().services().values().stream().anyMatch(st -> node.equals(st.node()) && st.active());
        return state.equals("active") && !busy ? "idle" : state;
    }

    /** The agent's mode, or {@code maintenance} while the operator asked for it (Proxmox's LRM takes it from the CRM). */
    static String lrmMode(HaManagerEntity.Status s, String node, NodeStatus ns) {
        if (s.manager().maintenance().contains(node)) return LrmMode.MAINTENANCE.wire();
        return ns.mode().wire();
    }

    /**
     * Proxmox's LRM states: {@code active} while it holds its lock (our lease), {@code maintenance} once drained
     * in maintenance, {@code lost_agent_lock} when lost or fenced, {@code wait_for_agent_lock} before its first lease.
     */
    static String lrmState(HaManagerEntity.Status s, String node, NodeStatus ns) {
        if (ns.state() == NodeState.MAINTENANCE) return "maintenance";
        if (ns.state() == NodeState.ONLINE) return "active";
        if (ns.generation() < 0 || ns.released()) return "wait_for_agent_lock";
        return "lost_agent_lock";
    }

    static Map<String, Object> managerStatus(HaManagerEntity.Status s, Here here) {
        Map<String, Object> nodeStatus = new TreeMap<>();
        s.manager().nodes().forEach((n, ns) -> nodeStatus.put(n, ns.state().wire()));
        Map<String, Object> services = new TreeMap<>();
        s.manager().services().forEach((sid, st) -> services.put(sid.toString(), service(st)));
        Map<String, Object> requests = new TreeMap<>();
        s.manager().maintenance().forEach(n -> requests.put(n, Map.of("maintenance", 1)));
        Map<String, Object> ms = new LinkedHashMap<>();
        ms.put("master_node", s.managerNode());
        ms.put("node_status", nodeStatus);
        ms.put("node_request", requests);
        ms.put("service_status", services);
        ms.put("timestamp", here.epochSecond());
        Map<String, Object> lrm = new TreeMap<>();
        s.manager().nodes().forEach((n, ns) -> lrm.put(n, lrm(s, n, ns, here)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("manager_status", ms);
        out.put("lrm_status", lrm);
        out.put("quorum", Map.of("node", here.node(), "quorate", here.quorate() ? 1 : 0));
        return out;
    }

    private static Map<String, Object> service(ServiceStatus st) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", st.node());
        m.put("state", st.state().wire());
        m.put("uid", Long.toString(st.uid()));
        m.put("running", st.running() ? 1 : 0);
        if (st.target() != null) m.put("target", st.target());
        if (!st.failedNodes().isEmpty()) m.put("failed_nodes", st.failedNodes());
        if (st.maintenanceNode() != null) m.put("maintenance_node", st.maintenanceNode());
        return m;
    }

    private static Map<String, Object> lrm(HaManagerEntity.Status s, String node, NodeStatus ns, Here here) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", lrmMode(s, node, ns));
        m.put("state", lrmState(s, node, ns));
        m.put("timestamp", timestamp(s, ns, here));
        // Fabric's: the lease generation the node runs under, and the highest one proven fenced
        m.put("generation", ns.generation());
        m.put("fenced_through", ns.fencedThrough());
        return m;
    }

    /** When the manager last heard from the node, in epoch seconds (the manager's clock is monotonic). */
    private static long timestamp(HaManagerEntity.Status s, NodeStatus ns, Here here) {
        long agoMillis = Math.max(0, s.now() - ns.lastSeen());
        return here.epochSecond() - agoMillis / 1000;
    }

    private static String ctime(long epochSecond, ZoneId zone) {
        return CTIME.format(Instant.ofEpochSecond(epochSecond).atZone(zone));
    }

    private static Map<String, Object> row(String id, String type, String node, String status, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("type", type);
        m.put("node", node);
        m.put("status", status);
        m.putAll(extra);
        return m;
    }
}
