package org.fabricve.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.fabricve.core.cluster.ClusterNode;
import org.fabricve.node.ClusterNodesEntity;
import org.fabricve.node.FabricServices;

/**
 * {@code /cluster/config} and the configured node list under it: {@code GET /cluster/config/nodes},
 * {@code POST /cluster/config/nodes} (ours: the node in the body) and {@code POST /cluster/config/nodes/{node}}
 * (Proxmox's path), {@code DELETE /cluster/config/nodes/{node}}.
 */
final class ClusterConfigRoutes extends RouteSupport {

    private static final Set<String> ADD_PARAMS = Set.of("node", "address", "new_node_ip", "api", "votes", "force",
            "apiversion", "nodeid");

    private final FabricServices fabric;

    ClusterConfigRoutes(FabricServices fabric) {
        this.fabric = fabric;
    }

    Route routes() {
        return pathPrefix("config", () -> concat(
                pathEndOrSingleSlash(() -> get(() -> ok(NodeRoutes.subdirs("nodes")))),
                pathPrefix("nodes", () -> concat(
                        pathEndOrSingleSlash(() -> concat(
                                get(() -> ok(rows())),
                                post(() -> withParams(p -> add(p.get("node"), p))))),
                        path(PathMatchers.segment(), node -> concat(
                                post(() -> withParams(p -> add(node, p))),
                                delete(() -> remove(node))))))));
    }

    private List<Map<String, Object>> rows() {
        var rows = new ArrayList<Map<String, Object>>();
        for (ClusterNode n : fabric.health().nodes().nodes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", n.name());
            m.put("name", n.name());
            m.put("nodeid", n.nodeid());
            m.put("quorum_votes", n.votes());
            m.put("ring0_addr", host(n.clusterAddress()));
            Map<String, Object> fabricPart = new LinkedHashMap<>();
            fabricPart.put("member", n.member());
            fabricPart.put("cluster_address", n.clusterAddress());
            fabricPart.put("api_address", n.apiAddress());
            m.put("fabric", fabricPart);
            rows.add(m);
        }
        return rows;
    }

    /**
     * Registers a node before it joins: {@code address} is its cluster address HOST:PORT (or Proxmox's
     * {@code new_node_ip}, with the default cluster port). Its vote counts at once.
     */
    private Route add(String node, Map<String, String> params) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (String key : params.keySet()) {
            if (!ADD_PARAMS.contains(key) && !key.matches("link[0-7]")) {
                errors.put(key, "property is not defined in schema and the schema does not allow additional properties");
            }
        }
        if (node == null || node.isBlank()) {
            errors.put("node", "property is missing and it is not optional");
        }
        String address = params.get("address");
        if (address == null && params.get("new_node_ip") != null) {
            String ip = params.get("new_node_ip");
            address = (ip.contains(":") ? "[" + ip + "]" : ip) + ":25520";
        }
        if (address == null) {
            errors.put("address", "property is missing and it is not optional (the node's cluster address HOST:PORT)");
        }
        String votes = params.get("votes");
        if (votes != null && !votes.equals("1")) {
            errors.put("votes", "a member has exactly 1 vote");
        }
        if (!errors.isEmpty()) {
            throw ApiException.badParameters(errors);
        }
        ClusterNode entry = ClusterNode.member(node, address, params.get("api"));
        return await(fabric.addClusterNode(entry), reply -> {
            if (reply instanceof ClusterNodesEntity.Refused r) {
                throw GuestReplies.toApi(r.rejection());
            }
            var q = fabric.health().quorum();
            List<String> warnings = new ArrayList<>();
            warnings.add("node '" + node + "' counts as a vote from now on: start it with --join "
                    + fabric.health().nodes().node(fabric.localNode()).map(ClusterNode::clusterAddress).orElse("HOST:PORT")
                    + "; quorum needs " + org.fabricve.core.cluster.Quorum.needed(q.expectedVotes() + 1) + " votes");
            return ok(Map.of("warnings", warnings));
        });
    }

    private Route remove(String node) {
        return await(fabric.removeClusterNode(node), reply -> {
            if (reply instanceof ClusterNodesEntity.Refused r) {
                throw GuestReplies.toApi(r.rejection());
            }
            return ok(null);
        });
    }

    static String host(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = colon > 0 ? hostPort.substring(0, colon) : hostPort;
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
