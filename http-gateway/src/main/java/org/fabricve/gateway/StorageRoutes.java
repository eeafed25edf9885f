package org.fabricve.gateway;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.stream.Materializer;
import org.fabricve.core.hypervisor.PoolInfo;
import org.fabricve.core.task.TaskRecord;
import org.fabricve.core.task.Upid;
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

    Route nodeRoutes(String node, String user) {
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
                            path("content", () -> get(() -> withParams(p -> content(node, def, p)))),
                            path("upload", () -> post(() -> upload(node, user, def))));
                })));
    }

    /**
     * Proxmox's upload of an ISO or a container template (multipart: {@code content}, then the file as part
     * {@code filename}; optional {@code checksum} and {@code checksum-algorithm}), streamed into the storage's
     * folder on this member's host. Answers the UPID of an {@code imgcopy} task, journalled once the file is in
     * place (Proxmox runs the copy in that task; here the upload is the copy).
     */
    private Route upload(String node, String user, StorageDefinition def) {
        if (!fabric.isLocal(node)) {
            throw new ApiException(501, "uploads to node '" + node + "' go through the member that runs it", Map.of());
        }
        return withoutSizeLimit(() -> extractRequest(request -> {
            if (!request.entity().getContentType().mediaType().toString().startsWith("multipart/form-data")) {
                throw ApiException.badParameter("filename", "no file: an upload is multipart/form-data with the file"
                        + " as part 'filename'");
            }
            return entity(Unmarshaller.entityToMultipartFormData(), form ->
                await(fabric.pools(node), pools -> {
                    if (pools.error() != null) {
                        throw new ApiException(503, pools.error(), Map.of());
                    }
                    PoolInfo pool = pools.pools().stream().filter(p -> p.name().equals(def.storage())).findFirst()
                            .orElseThrow(() -> ApiException.notFound("storage '" + def.storage()
                                    + "' has no pool on node '" + node + "'"));
                    Path folder = pool.path() == null ? null : Path.of(pool.path());
                    if (folder == null || !Files.isDirectory(folder)) {
                        // the file is written by this process: the pool's folder must be on this member's host
                        throw new ApiException(501, "storage '" + def.storage() + "' of node '" + node
                                + "' has no folder on this member's host (" + pool.path() + ")", Map.of());
                    }
                    long began = fabric.clock().instant().getEpochSecond();
                    return await(StorageUpload.receive(form, def.storage(), def.content(), folder,
                            Materializer.matFromSystem(fabric.system())).thenCompose(stored -> {
                                Upid upid = fabric.newUpid(node, "imgcopy", "", user);
                                TaskRecord task = new TaskRecord(upid.format(), node, upid.type(), upid.id(), user,
                                        began, 0, null, List.of("starting file import from: the upload request"))
                                        .finished(fabric.clock().instant().getEpochSecond(), TaskRecord.OK, List.of(
                                                "target node: " + node,
                                                "target file: " + stored.path(),
                                                "file size is: " + stored.bytes(),
                                                "finished file import successfully"));
                                return fabric.recordNodeTask(task).thenApply(done -> upid.format());
                            }), this::ok);
                }));
        }));
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
