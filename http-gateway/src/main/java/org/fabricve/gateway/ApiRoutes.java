package org.fabricve.gateway;

import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.random.RandomGenerator;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.fabricve.gateway.security.RootCredentials;
import org.fabricve.gateway.security.TicketAuthority;
import org.fabricve.node.FabricServices;
import org.fabricve.persistence.JournalTail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The whole {@code /api2/json} tree, with Proxmox's error envelope for every failure. */
public final class ApiRoutes extends RouteSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);

    private final Authentication authentication;
    private final AccessRoutes access;
    private final ClusterRoutes cluster;
    private final NodeRoutes nodes;
    private final StorageRoutes storage;
    private final EventStreamRoutes events;
    private final String version;
    private final FabricServices fabric;
    private final OpenApiRoute openApi = new OpenApiRoute();
    private final HaRoutes ha;
    private final ClusterOptionsRoutes options;

    public ApiRoutes(FabricServices fabric, JournalTail tail, RootCredentials credentials, TicketAuthority tickets,
                     RandomGenerator random, String clusterName, String version) {
        this(fabric, tail, credentials, tickets, random, clusterName, version, null);
    }

    /** {@code ha}: the member's HA runtime for {@code /cluster/ha} (null: those paths are not served). */
    public ApiRoutes(FabricServices fabric, JournalTail tail, RootCredentials credentials, TicketAuthority tickets,
                     RandomGenerator random, String clusterName, String version,
                     org.fabricve.ha.runtime.HaRuntime ha) {
        this.ha = ha == null ? null : new HaRoutes(fabric, ha);
        this.options = ha == null ? null : new ClusterOptionsRoutes(ha);
        this.authentication = new Authentication(tickets);
        this.access = new AccessRoutes(credentials, tickets);
        this.cluster = new ClusterRoutes(fabric, clusterName);
        this.nodes = new NodeRoutes(fabric, random, version);
        this.storage = new StorageRoutes(fabric);
        this.events = new EventStreamRoutes(tail);
        this.version = version;
        this.fabric = fabric;
    }

    public Route route() {
        return handleExceptions(exceptions(), () -> handleRejections(rejections(), () ->
                pathPrefix("api2", () -> pathPrefix("json", () -> concat(
                        access.routes(),
                        openApi.route(),
                        authentication.authenticated(user -> writesNeedQuorum(() -> concat(
                                path("version", () -> get(() -> ok(VersionInfo.of(version)))),
                                events.routes(),
                                ha != null ? ha.routes() : reject(),
                                options != null ? options.routes() : reject(),
                                cluster.routes(),
                                nodes.routes(user),
                                storage.clusterRoutes()))))))));
    }

    /**
     * A member without quorum serves reads and refuses every write (503), as a Proxmox node without quorum
     * makes /etc/pve read-only. Logging in ({@code POST /access/ticket}) stays possible: it is routed before.
     */
    private Route writesNeedQuorum(java.util.function.Supplier<Route> inner) {
        return extractMethod(method -> {
            String name = method.name();
            if (!name.equals("GET") && !name.equals("HEAD") && !name.equals("OPTIONS")) {
                var quorum = fabric.health().quorum();
                if (!quorum.quorate()) {
                    throw new ApiException(503, quorum.explanation(), Map.of());
                }
            }
            return inner.get();
        });
    }

    private static ExceptionHandler exceptions() {
        return ExceptionHandler.newBuilder()
                .matchAny(t -> {
                    Throwable cause = t;
                    while (cause instanceof CompletionException && cause.getCause() != null) {
                        cause = cause.getCause();
                    }
                    if (cause instanceof ApiException api) {
                        return new RouteSupportImpl().complete(ApiJson.error(api));
                    }
                    if (cause instanceof java.util.concurrent.TimeoutException
                            || cause instanceof org.apache.pekko.pattern.AskTimeoutException) {
                        return new RouteSupportImpl().complete(ApiJson.error(new ApiException(504,
                                "the fabric did not answer in time", Map.of())));
                    }
                    LOG.error("request failed", cause);
                    return new RouteSupportImpl().complete(ApiJson.error(new ApiException(500,
                            "internal error", Map.of())));
                })
                .build();
    }

    private static RejectionHandler rejections() {
        return RejectionHandler.newBuilder()
                .handle(MethodRejection.class, r -> new RouteSupportImpl().extractRequest(req ->
                        new RouteSupportImpl().complete(ApiJson.error(new ApiException(501, "Method '"
                                + req.method().value() + " " + req.getUri().path() + "' not implemented", Map.of())))))
                .handleNotFound(new RouteSupportImpl().extractRequest(req ->
                        new RouteSupportImpl().complete(ApiJson.error(new ApiException(501, "Method '"
                                + req.method().value() + " " + req.getUri().path() + "' not implemented",
                                Map.of())))))
                .build();
    }

    /** Directives outside an instance context (handlers are built statically). */
    private static final class RouteSupportImpl extends RouteSupport {}
}
