package org.fabricve.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.http.javadsl.server.Route;
import org.fabricve.core.config.PropertyStrings;
import org.fabricve.ha.model.CrsMode;
import org.fabricve.ha.model.HaConfig;
import org.fabricve.ha.model.ShutdownPolicy;
import org.fabricve.ha.runtime.HaRuntime;

/**
 * {@code /cluster/options}: the datacenter options that concern HA, in Proxmox's shapes ({@code ha:
 * shutdown_policy=...}, {@code crs: ha=basic|static}). Others are not kept, and refused by name.
 */
final class ClusterOptionsRoutes extends RouteSupport {

    private final HaRuntime ha;

    ClusterOptionsRoutes(HaRuntime ha) {
        this.ha = ha;
    }

    Route routes() {
        return path(org.apache.pekko.http.javadsl.server.PathMatchers.segment("cluster").slash("options"), () -> concat(
                get(() -> await(ha.status(), s -> ok(options(s.config())))),
                put(() -> withParams(this::update))));
    }

    static Map<String, Object> options(HaConfig c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ha", "shutdown_policy=" + c.shutdownPolicy().wire());
        out.put("crs", "ha=" + c.crs().wire());
        return out;
    }

    private Route update(Map<String, String> p) {
        HaRoutes.unknownParams(p, Set.of("ha", "crs", "delete", "digest"));
        List<String> deleted = p.containsKey("delete") ? List.of(p.get("delete").split("[,; ]+")) : List.of();
        for (String d : deleted) {
            if (!d.equals("ha") && !d.equals("crs")) throw ApiException.badParameter("delete", "unknown or unsupported option '" + d + "'");
        }
        ShutdownPolicy policy = p.containsKey("ha") ? shutdownPolicy(p.get("ha")) : null;
        CrsMode crs = p.containsKey("crs") ? crs(p.get("crs")) : null;
        return await(ha.status(), s -> {
            ShutdownPolicy newPolicy = deleted.contains("ha") ? ShutdownPolicy.CONDITIONAL : policy != null ? policy : s.config().shutdownPolicy();
            CrsMode newCrs = deleted.contains("crs") ? CrsMode.BASIC : crs != null ? crs : s.config().crs();
            return await(ha.putOptions(newCrs, newPolicy), a -> {
                if (!a.ok()) throw ApiException.badParameter(a.param(), a.message());
                return ok(null);
            });
        });
    }

    private static ShutdownPolicy shutdownPolicy(String value) {
        return single("ha", value, "shutdown_policy", "conditional", ShutdownPolicy::parse);
    }

    private static CrsMode crs(String value) {
        return single("crs", value, "ha", "basic", CrsMode::parse);
    }

    /** A property string of one known key ({@code key=value}, or the bare value); anything else refused naming {@code param}. */
    private static <T> T single(String param, String value, String key, String fallback, java.util.function.Function<String, T> parse) {
        Map<String, String> props = PropertyStrings.loose(value, key);
        for (String k : props.keySet()) {
            if (!k.equals(key)) throw ApiException.badParameter(param, "unknown or unsupported property '" + k + "'");
        }
        try {
            return parse.apply(props.getOrDefault(key, fallback));
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter(param, e.getMessage());
        }
    }
}
