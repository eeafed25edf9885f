package org.fabricve.gateway;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.fabricve.core.hypervisor.PoolInfo;
import org.fabricve.core.hypervisor.VolumeInfo;
import org.fabricve.core.storage.StorageDefinition;
import org.fabricve.node.FabricServices;

/**
 * {@code /storage} (the cluster's storage configuration) and {@code /nodes/{node}/storage} (its status
 * and content on one node, read live from that node's hypervisor).
 */
final class StorageRoutes extends RouteSupport {

    private final FabricServices fabric;

    StorageRoutes(FabricServices fabric) {
        this.fabric = fabric;
    }

    Route clusterRoutes() {
        return pathPrefix("storage", () -> concat(
                pathEndOrSingleSlash(() -> get(() -> {
                    var rows = new ArrayList<Map<String, Object>>();
                    fabric.view().storages().stream().sorted(Comparator.comparing(StorageDefinition::storage))
                            .forEach(s -> rows.add(definitionRow(s)));
                    return ok(rows);
                })),
                path(PathMatchers.segment(), id -> get(() -> ok(definitionRow(requireStorage(id)))))));
    }

    Route nodeRoutes(String node) {
        return pathPrefix("storage", () -> concat(
                pathEndOrSingleSlash(() -> get(() -> await(fabric.pools(node), pools -> {
                    if (pools.error() != null) {
                        throw new ApiException(503, pools.error(), Map.of());
                    }
                    var rows = new ArrayList<Map<String, Object>>();
                    fabric.view().storages().stream().filter(s -> s.availableOn(node))
                            .sorted(Comparator.comparing(StorageDefinition::storage))
                            .forEach(s -> rows.add(statusRow(s, pools.pools())));
                    return ok(rows);
                }))),
                pathPrefix(PathMatchers.segment(), id -> {
                    StorageDefinition def = requireStorage(id);
                    if (!def.availableOn(node)) {
                        throw ApiException.notFound("storage '" + id + "' is not available on node '" + node + "'");
                    }
                    return concat(
                            pathEndOrSingleSlash(() -> get(() -> ok(NodeRoutes.subdirs("content", "status")))),
                            path("status", () -> get(() -> await(fabric.pools(node), pools -> {
                                if (pools.error() != null) {
                                    throw new ApiException(503, pools.error(), Map.of());
                                }
                                return ok(statusRow(def, pools.pools()));
                            }))),
                            path("content", () -> get(() -> withParams(p -> content(node, def, p)))));
                })));
    }

    private Route content(String node, StorageDefinition def, Map<String, String> params) {
        String contentFilter = params.get("content");
        String vmid = params.get("vmid");
        if (vmid != null) {
            GuestRoutes.parseVmid(vmid);
        }
        return await(fabric.volumes(node, def.storage()), result -> {
            if (result.error() != null) {
                throw new ApiException(503, result.error(), Map.of());
            }
            var rows = new ArrayList<Map<String, Object>>();
            for (VolumeInfo v : result.volumes()) {
                String owner = ownerOf(v.name());
                String content = v.name().startsWith("iso/") ? "iso"
                        : v.name().startsWith("vztmpl/") ? "vztmpl" : "images";
                if ((contentFilter != null && !contentFilter.equals(content))
                        || (vmid != null && !vmid.equals(owner))) {
                    continue;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("volid", def.storage() + ":" + v.name());
                m.put("content", content);
                m.put("format", v.format());
                m.put("size", v.capacityBytes());
                m.put("used", v.allocationBytes());
                if (owner != null) {
                    m.put("vmid", Integer.parseInt(owner));
                }
                rows.add(m);
            }
            rows.sort(Comparator.comparing(m -> (String) m.get("volid")));
            return ok(rows);
        });
    }

    private static String ownerOf(String volume) {
        var m = java.util.regex.Pattern.compile("^(?:vm|base|subvol)-(\\d+)-").matcher(volume);
        return m.find() ? m.group(1) : null;
    }

    private StorageDefinition requireStorage(String id) {
        return fabric.view().storage(id).orElseThrow(() -> new ApiException(404,
                "storage '" + id + "' does not exist", Map.of("storage", "no such storage")));
    }

    private static Map<String, Object> definitionRow(StorageDefinition s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("storage", s.storage());
        m.put("type", s.type());
        m.put("path", s.path());
        m.put("content", String.join(",", s.content()));
        m.put("shared", s.shared() ? 1 : 0);
        if (!s.nodes().isEmpty()) {
            m.put("nodes", String.join(",", s.nodes()));
        }
        return m;
    }

    private static Map<String, Object> statusRow(StorageDefinition s, List<PoolInfo> pools) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("storage", s.storage());
        m.put("type", s.type());
        m.put("content", String.join(",", s.content()));
        m.put("shared", s.shared() ? 1 : 0);
        m.put("enabled", 1);
        PoolInfo pool = pools.stream().filter(p -> p.name().equals(s.storage())).findFirst().orElse(null);
        m.put("active", pool != null && pool.active() ? 1 : 0);
        long total = pool != null ? pool.capacityBytes() : 0;
        long used = pool != null ? pool.allocationBytes() : 0;
        m.put("total", total);
        m.put("used", used);
        m.put("avail", pool != null ? pool.availableBytes() : 0);
        m.put("used_fraction", total > 0 ? (double) used / total : 0.0);
        return m;
    }
}
