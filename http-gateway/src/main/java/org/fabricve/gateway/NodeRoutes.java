package org.fabricve.gateway;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.guest.GuestState;
import org.fabricve.core.hypervisor.HostInfo;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.core.node.NodeState;
import org.fabricve.node.FabricServices;

/** {@code /nodes} and everything under {@code /nodes/{node}}. */
final class NodeRoutes extends RouteSupport {

    private final FabricServices fabric;
    private final GuestRoutes qemu;
    private final GuestRoutes lxc;
    private final TaskRoutes tasks;
    private final StorageRoutes storage;
    private final String version;

    NodeRoutes(FabricServices fabric, RandomGenerator random, String version) {
        this.fabric = fabric;
        this.qemu = new GuestRoutes(fabric, GuestType.QEMU, random);
        this.lxc = new GuestRoutes(fabric, GuestType.LXC, random);
        this.tasks = new TaskRoutes(fabric);
        this.storage = new StorageRoutes(fabric);
        this.version = version;
    }

    Route routes(String user) {
        return pathPrefix("nodes", () -> concat(
                pathEndOrSingleSlash(() -> get(() -> {
                    return ok(nodeRows(fabric));
                })),
                pathPrefix(PathMatchers.segment(), node -> {
                    NodeState state = fabric.view().node(node).filter(n -> n.host() != null)
                            .orElseThrow(() -> new ApiException(404, "no such node '" + node + "'",
                                    Map.of("node", "no such node")));
                    return concat(
                            pathEndOrSingleSlash(() -> get(() -> ok(subdirs("qemu", "lxc", "status", "tasks",
                                    "storage", "version")))),
                            path("status", () -> get(() -> ok(status(state)))),
                            path("version", () -> get(() -> ok(VersionInfo.of(version)))),
                            qemu.routes(node, user),
                            lxc.routes(node, user),
                            tasks.routes(node),
                            storage.nodeRoutes(node, user));
                })));
    }

    static List<Map<String, String>> subdirs(String... names) {
        var list = new ArrayList<Map<String, String>>();
        for (String n : names) {
            list.add(Map.of("subdir", n));
        }
        return list;
    }

    /** Every node's row, sorted by name; one pass over the guests for all nodes' memory. */
    static List<Map<String, Object>> nodeRows(FabricServices fabric) {
        Map<String, Long> used = usedMemoryByNode(fabric);
        var rows = new ArrayList<Map<String, Object>>();
        fabric.view().nodes().stream().sorted(Comparator.comparing(NodeState::node))
                .forEach(n -> rows.add(nodeRow(fabric, n, used.getOrDefault(n.node(), 0L))));
        return rows;
    }

    private static Map<String, Object> nodeRow(FabricServices fabric, NodeState n, long usedMemory) {
        HostInfo host = n.host();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "node/" + n.node());
        m.put("type", "node");
        m.put("node", n.node());
        boolean online = fabric.online(n.node());
        m.put("status", online ? "online" : "offline");
        m.put("maxcpu", host != null ? host.cpus() : 0);
        m.put("maxmem", host != null ? host.memoryBytes() : 0L);
        m.put("mem", usedMemory);
        m.put("cpu", 0);
        m.put("level", "");
        m.put("uptime", online ? fabric.clock().instant().getEpochSecond() - fabric.startedAt() : 0);
        return m;
    }

    /**
     * Memory promised to each node's running guests: what its host must hold for them. One pass over the guests
     * (a per-node pass made the node list cost nodes x guests: 1,000,000 steps with 100 hosts and 10,000 guests).
     */
    private static Map<String, Long> usedMemoryByNode(FabricServices fabric) {
        Map<String, Long> used = new HashMap<>();
        for (GuestState s : fabric.view().guests()) {
            if (s.guest() != null && s.guest().runState().active()) {
                used.merge(s.guest().node(), s.guest().config().memoryMiB() * 1024 * 1024, Long::sum);
            }
        }
        return used;
    }

    private Map<String, Object> status(NodeState n) {
        HostInfo host = n.host();
        long used = usedMemoryByNode(fabric).getOrDefault(n.node(), 0L);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", 0);
        m.put("cpuinfo", Map.of("cpus", host.cpus(), "model", host.cpuModel(), "sockets", 1, "cores", host.cpus()));
        m.put("memory", Map.of("total", host.memoryBytes(), "used", used, "free", host.memoryBytes() - used));
        m.put("uptime", fabric.clock().instant().getEpochSecond() - fabric.startedAt());
        m.put("pveversion", "fabric-ve/" + version);
        m.put("kversion", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("loadavg", List.of("0", "0", "0"));
        m.put("online", fabric.online(n.node()) ? 1 : 0);
        m.put("fabric", Map.of("hostname", host.hostname(), "foreign_domains", List.copyOf(new java.util.TreeSet<>(
                n.foreignDomains()))));
        return m;
    }
}
