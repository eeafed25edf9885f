package org.fabricve.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.fabricve.core.task.TaskRecord;
import org.fabricve.core.task.Upid;
import org.fabricve.node.FabricServices;

/**
 * {@code /nodes/{node}/tasks}: listings from the read model; a single task's status and log from the
 * guest entity that owns it (strongly consistent: a client polling right after getting a UPID finds it).
 */
final class TaskRoutes extends RouteSupport {

    private final FabricServices fabric;

    TaskRoutes(FabricServices fabric) {
        this.fabric = fabric;
    }

    Route routes(String node) {
        return pathPrefix("tasks", () -> concat(
                pathEndOrSingleSlash(() -> get(() -> withParams(p -> list(node, p)))),
                pathPrefix(PathMatchers.segment(), rawUpid -> {
                    Upid upid = Upid.parse(rawUpid).filter(u -> u.node().equals(node))
                            .orElseThrow(() -> ApiException.badParameter("upid", "unable to parse worker upid '"
                                    + rawUpid + "'"));
                    return await(find(upid), task -> {
                        TaskRecord t = task.orElseThrow(() -> ApiException.notFound("no such task '" + rawUpid + "'"));
                        return concat(
                                pathEndOrSingleSlash(() -> get(() -> ok(List.of(Map.of("subdir", "log"),
                                        Map.of("subdir", "status"))))),
                                path("status", () -> get(() -> ok(status(t)))),
                                path("log", () -> get(() -> withParams(p -> log(t, p)))));
                    });
                })));
    }

    private CompletionStage<Optional<TaskRecord>> find(Upid upid) {
        Optional<Integer> vmid = guestOf(upid);
        if (vmid.isEmpty()) {
            return CompletableFuture.completedFuture(fabric.view().task(upid.format()));
        }
        return fabric.guest(vmid.get()).thenApply(state -> state.task(upid.format())
                .or(() -> fabric.view().task(upid.format())));
    }

    private static Optional<Integer> guestOf(Upid upid) {
        if (!(upid.type().startsWith("qm") || upid.type().startsWith("vz"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(upid.id()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private Route list(String node, Map<String, String> params) {
        int start = RequestParams.integer(params, "start", 0, 0, Integer.MAX_VALUE);
        int limit = RequestParams.integer(params, "limit", 50, 0, Integer.MAX_VALUE);
        boolean errorsOnly = RequestParams.flag(params, "errors");
        String vmid = params.get("vmid");
        String typeFilter = params.get("typefilter");
        String source = params.getOrDefault("source", "archive");
        if (!List.of("archive", "active", "all").contains(source)) {
            throw ApiException.badParameter("source", "value '" + source
                    + "' does not have a value in the enumeration 'archive, active, all'");
        }
        var rows = new ArrayList<Map<String, Object>>();
        int skipped = 0;
        int total = 0;
        for (TaskRecord t : fabric.view().tasks()) {
            if (!t.node().equals(node) || (vmid != null && !vmid.equals(t.id()))
                    || (typeFilter != null && !typeFilter.equals(t.type()))
                    || (errorsOnly && (t.running() || t.succeeded()))
                    || (source.equals("active") && !t.running())
                    || (source.equals("archive") && t.running())) {
                continue;
            }
            total++;
            if (skipped < start) {
                skipped++;
            } else if (rows.size() < limit) {
                rows.add(row(t));
            }
        }
        return complete(ApiJson.okWithTotal(rows, total));
    }

    static Map<String, Object> row(TaskRecord t) {
        Upid u = Upid.parse(t.upid()).orElseThrow();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("upid", t.upid());
        m.put("node", t.node());
        m.put("pid", u.pid());
        m.put("pstart", u.pstart());
        m.put("starttime", t.startTime());
        m.put("type", t.type());
        m.put("id", t.id());
        m.put("user", t.user());
        if (!t.running()) {
            m.put("endtime", t.endTime());
            m.put("status", t.exitStatus());
        }
        return m;
    }

    private static Map<String, Object> status(TaskRecord t) {
        Map<String, Object> m = row(t);
        m.remove("endtime");
        m.put("status", t.running() ? "running" : "stopped");
        if (!t.running()) {
            m.put("exitstatus", t.exitStatus());
            m.put("endtime", t.endTime());
        }
        return m;
    }

    private Route log(TaskRecord t, Map<String, String> params) {
        int start = RequestParams.integer(params, "start", 0, 0, Integer.MAX_VALUE);
        int limit = RequestParams.integer(params, "limit", 50, 0, Integer.MAX_VALUE);
        var lines = new ArrayList<Map<String, Object>>();
        for (int i = start; i < t.log().size() && lines.size() < limit; i++) {
            lines.add(Map.of("n", i + 1, "t", t.log().get(i)));
        }
        return complete(ApiJson.okWithTotal(lines, t.log().size()));
    }
}
