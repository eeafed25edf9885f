package org.fabricve.loadtest;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * {@code noop}: the harness's own overhead. {@code GET /version} (authentication and routing only) against the
 * target, or, with {@code --target local}, against a trivial Pekko HTTP server started in this process that
 * answers every request with a constant {@code {"data":{}}}: what is left is the harness and the loopback.
 */
final class NoopScenario implements Scenario {

    private final ApiClient api;
    private final Stats stats;
    private final NanoClock clock;

    NoopScenario(ApiClient api, Stats stats, NanoClock clock) {
        this.api = api;
        this.stats = stats;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "noop";
    }

    @Override
    public CompletionStage<Void> iteration(int client, long intendedStartNanos) {
        return Scenario.step(stats, clock, "version", intendedStartNanos, () -> api.get("/version"))
                .thenApply(x -> null);
    }

    @Override
    public Map<String, Object> extra() {
        return Map.of("request", "GET " + api.base() + "/version");
    }

    /** The trivial local endpoint: binds 127.0.0.1 on a free port; returns its base URL. */
    static String startLocalServer(ActorSystem system) throws Exception {
        byte[] body = "{\"data\":{\"version\":\"noop\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse ok = HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, body);
        ServerBinding binding = Http.get(system).newServerAt("127.0.0.1", 0)
                .bindSync(request -> {
                    request.discardEntityBytes(system);
                    return ok;
                })
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        return "http://127.0.0.1:" + binding.localAddress().getPort();
    }
}
