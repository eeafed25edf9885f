package org.fabricve.gateway;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.server.Route;
import org.fabricve.core.cluster.ClusterNode;
import org.fabricve.core.cluster.NodeList;
import org.fabricve.core.cluster.Quorum;
import org.fabricve.core.config.Vmids;
import org.fabricve.core.guest.GuestState;
import org.fabricve.core.node.NodeState;
import org.fabricve.core.storage.StorageDefinition;
import org.fabricve.node.FabricServices;

/** {@code /cluster/resources}, {@code /cluster/nextid}, {@code /cluster/status}. */
final class ClusterRoutes extends RouteSupport {

    private final FabricServices fabric;
    private final String clusterName;
    private final GuestRows vmRows = new GuestRows(ClusterRoutes::vmRow);
    private final ClusterConfigRoutes config;

    ClusterRoutes(FabricServices fabric, String clusterName) {
        this.fabric = fabric;
        this.clusterName = clusterName;
        this.config = new ClusterConfigRoutes(fabric);
    }

    Route routes() {
        return pathPrefix("cluster", () -> concat(
                path("resources", () -> get(() -> withParams(this::resources))),
                path("nextid", () -> get(() -> withParams(this::nextId))),
                path("status", () -> get(this::status)),
                config.routes()));
    }

    private Route resources(Map<String, String> params) {
        String type = params.get("type");
        if (type != null && !List.of("vm", "node", "storage", "sdn").contains(type)) {
            throw ApiException.badParameter("type", "value '" + type
                    + "' does not have a value in the enumeration 'vm, storage, node, sdn'");
        }
        var rows = new ArrayList<Map<String, Object>>();
        if (type == null || type.equals("node")) {
            rows.addAll(NodeRoutes.nodeRows(fabric));
        }
        if (type == null || type.equals("vm")) {
            var guests = fabric.view().guests();
            var online = fabric.onlineNodes();
            guests.stream().filter(s -> s.guest() != null)
                    .sorted(Comparator.comparingInt(s -> s.guest().vmid()))
                    .forEach(s -> rows.add(online.contains(s.guest().node()) ? vmRows.row(s)
                            : GuestRows.offline(vmRows.row(s))));
            vmRows.prune(guests);
        }
        if (type == null || type.equals("storage")) {
            for (NodeState n : fabric.view().nodes()) {
                fabric.view().storages().stream().filter(s -> s.availableOn(n.node()))
                        .sorted(Comparator.comparing(StorageDefinition::storage))
                        .forEach(s -> rows.add(storageRow(n.node(), s)));
            }
        }
        return ok(rows);
    }

    private static Map<String, Object> vmRow(GuestState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.guest().type().apiName() + "/" + s.guest().vmid());
        m.putAll(GuestRoutes.GuestSummaries.summary(s, null));
        m.put("maxcpu", m.remove("cpus"));
        return m;
    }

    private Map<String, Object> storageRow(String node, StorageDefinition s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "storage/" + node + "/" + s.storage());
        m.put("type", "storage");
        m.put("storage", s.storage());
        m.put("node", node);
        m.put("status", fabric.online(node) ? "available" : "unknown");
        m.put("plugintype", s.type());
        m.put("content", String.join(",", s.content()));
        m.put("shared", s.shared() ? 1 : 0);
        return m;
    }

    /** The lowest free vmid from 100, each candidate confirmed by its entity (the read model may lag). */
    private Route nextId(Map<String, String> params) {
        String requested = params.get("vmid");
        if (requested != null) {
            int vmid = GuestRoutes.parseVmid(requested);
            return await(fabric.guest(vmid), state -> {
                if (state.exists() || state.active() != null) {
                    throw ApiException.badParameter("vmid", "VM " + vmid + " already exists");
                }
                return ok(Integer.toString(vmid));
            });
        }
        return await(firstFree(Vmids.MIN), vmid -> ok(Integer.toString(vmid)));
    }

    private CompletionStage<Integer> firstFree(int from) {
        int candidate = from;
        while (candidate <= Vmids.MAX && fabric.view().guest(candidate).isPresent()) {
            candidate++;
        }
        if (candidate > Vmids.MAX) {
            return CompletableFuture.failedFuture(ApiException.conflict("no free vmid"));
        }
        int c = candidate;
        return fabric.guest(c).thenCompose(state -> state.exists() || state.active() != null
                ? firstFree(c + 1) : CompletableFuture.completedFuture(c));
    }

    /**
     * Proxmox's cluster status: one {@code cluster} entry (quorate from this member's point of view, nodes =
     * configured nodes) and one entry per configured node, as corosync reports them. Before the list holds
     * anything (a member still starting) the nodes the journal knows stand in.
     */
    private Route status() {
        NodeList list = fabric.health().nodes();
        Quorum quorum = fabric.health().quorum();
        var rows = new ArrayList<Map<String, Object>>();
        Map<String, Object> cluster = new LinkedHashMap<>();
        cluster.put("type", "cluster");
        cluster.put("id", "cluster");
        cluster.put("name", clusterName);
        cluster.put("nodes", list.nodes().size());
        cluster.put("quorate", quorum.quorate() ? 1 : 0);
        cluster.put("version", list.nodes().size());
        cluster.put("fabric", Map.of("expected_votes", quorum.expectedVotes(), "votes", quorum.reachableVotes(),
                "quorum", quorum.neededVotes()));
        rows.add(cluster);
        var names = new java.util.TreeSet<String>();
        list.nodes().forEach(n -> names.add(n.name()));
        if (names.isEmpty()) {
            fabric.view().nodes().forEach(n -> names.add(n.node()));
        }
        int nextId = list.nodes().stream().mapToInt(ClusterNode::nodeid).max().orElse(0) + 1;
        for (String name : names) {
            var entry = list.node(name);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "node");
            m.put("id", "node/" + name);
            m.put("name", name);
            m.put("nodeid", entry.map(ClusterNode::nodeid).orElse(nextId++));
            m.put("online", fabric.online(name) ? 1 : 0);
            m.put("local", name.equals(fabric.localNode()) ? 1 : 0);
            m.put("ip", entry.map(n -> ClusterConfigRoutes.host(n.clusterAddress())).orElse(""));
            m.put("level", "");
            rows.add(m);
        }
        return ok(rows);
    }
}
