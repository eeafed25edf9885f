package org.fabricve.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.model.headers.Cookie;
import org.apache.pekko.http.javadsl.model.headers.HttpCredentials;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.unmarshalling.sse.EventStreamUnmarshalling;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A Proxmox-API client: a ticket (or an API token), the CSRF header on writes, {@code {"data": ...}} unwrapped,
 * every non-200 answer an {@link OpException} of kind {@code http-STATUS}.
 *
 * <p>Requests are the JDK's HTTP client called blocking, on a pool of as many threads as connections: measured
 * against the same node's {@code GET /version} with 8 clients that reaches ~7,700 requests/s on this 2-core host,
 * where Pekko HTTP's {@code singleRequest} reached ~1,250/s and the JDK client's own async path ~2,700/s (the
 * harness must not be what it measures; see docs/benchmarks.md). Event-stream subscribers stay on Pekko HTTP's
 * streaming client, a connection each.
 */
public final class ApiClient {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TASK_TIMEOUT = Duration.ofSeconds(120);

    private final ActorSystem system;
    private final Materializer materializer;
    private final URI base;
    private final String basePath;
    private final HttpsConnectionContext https;
    private final java.net.http.HttpClient http;
    private final java.util.concurrent.ExecutorService pool;
    private final LongAdder requests = new LongAdder();
    private final LongAdder taskPolls = new LongAdder();
    private volatile List<HttpHeader> auth = List.of();
    /** The same credentials as header name/value pairs for the JDK client: reads, then writes (+ CSRF). */
    private volatile String[] readHeaders = {};
    private volatile String[] writeHeaders = {};

    public ApiClient(ActorSystem system, String target, boolean insecure, int connections) {
        this.system = system;
        this.materializer = Materializer.matFromSystem(system);
        String t = target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
        if (!t.endsWith("/api2/json")) {
            t = t + "/api2/json";
        }
        this.base = URI.create(t);
        if (base.getHost() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https"))) {
            throw new IllegalArgumentException("--target must be an http:// or https:// URL, not '" + target + "'");
        }
        this.basePath = base.getPath();
        SSLContext tls = insecure ? trustingContext() : defaultContext();
        this.https = insecure ? trustingEverything(tls) : ConnectionContext.httpsClient(tls);
        if (insecure) {
            // like curl -k: a node's self-signed certificate names no host we could check
            System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        }
        this.http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .sslContext(tls)
                .connectTimeout(REQUEST_TIMEOUT)
                .build();
        this.pool = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, connections), r -> {
            Thread thread = new Thread(r, "loadtest-http");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Ends the request threads (the actor system, and the event streams with it, are the caller's). */
    public void close() {
        pool.shutdownNow();
    }

    public URI base() {
        return base;
    }

    public long requests() {
        return requests.sum();
    }

    public long taskPolls() {
        return taskPolls.sum();
    }

    /** Logs in with a password: the ticket goes in a cookie, the CSRF token on every write. */
    public CompletionStage<Void> login(String user, String password) {
        return send("POST", "/access/ticket", Map.of("username", user, "password", password), new String[0])
                .thenAccept(data -> {
                    String ticket = data.path("ticket").asText("");
                    if (ticket.isEmpty()) {
                        throw new OpException("login", "login answered no ticket: " + data);
                    }
                    auth = List.of(Cookie.create("PVEAuthCookie", ticket));
                    readHeaders = new String[] {"Cookie", "PVEAuthCookie=" + ticket};
                    writeHeaders = new String[] {"Cookie", "PVEAuthCookie=" + ticket,
                            "CSRFPreventionToken", data.path("CSRFPreventionToken").asText("")};
                });
    }

    /** Uses an API token ({@code USER@REALM!TOKENID=SECRET}); no CSRF token is needed then. */
    public void useToken(String token) {
        HttpHeader h = Authorization.create(HttpCredentials.create("PVEAPIToken", token));
        auth = List.of(h);
        readHeaders = new String[] {"Authorization", "PVEAPIToken=" + token};
        writeHeaders = readHeaders;
    }

    public CompletionStage<JsonNode> get(String path) {
        return send("GET", path, null, readHeaders);
    }

    public CompletionStage<JsonNode> post(String path, Map<String, String> form) {
        return send("POST", path, form, writeHeaders);
    }

    public CompletionStage<JsonNode> delete(String path) {
        return send("DELETE", path, null, writeHeaders);
    }

    /** Polls the task's status every {@code poll} until it is stopped; fails with kind task-failed unless it ended OK. */
    public CompletionStage<JsonNode> awaitTask(String node, String upid, Duration poll) {
        CompletableFuture<JsonNode> done = new CompletableFuture<>();
        long deadline = System.nanoTime() + TASK_TIMEOUT.toNanos();
        String path = "/nodes/" + node + "/tasks/" + enc(upid) + "/status";
        Executor delayed = CompletableFuture.delayedExecutor(poll.toNanos(), TimeUnit.NANOSECONDS);
        pollTask(path, upid, delayed, deadline, done);
        return done;
    }

    private void pollTask(String path, String upid, Executor delayed, long deadline, CompletableFuture<JsonNode> done) {
        taskPolls.increment();
        get(path).whenComplete((status, failure) -> {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else if ("stopped".equals(status.path("status").asText())) {
                String exit = status.path("exitstatus").asText("");
                if ("OK".equals(exit)) {
                    done.complete(status);
                } else {
                    done.completeExceptionally(new OpException("task-failed", "task " + upid + ": " + exit));
                }
            } else if (System.nanoTime() > deadline) {
                done.completeExceptionally(new OpException("task-timeout", "task " + upid + " still running"));
            } else {
                delayed.execute(() -> pollTask(path, upid, delayed, deadline, done));
            }
        });
    }

    /**
     * Subscribes to {@code /cluster/events} on a connection of its own, resuming after {@code lastEventId}
     * (none when negative). The source ends when the connection does.
     */
    public Source<ServerSentEvent, NotUsed> events(long lastEventId, Runnable connected) {
        List<HttpHeader> headers = new ArrayList<>(auth);
        if (lastEventId >= 0) {
            headers.add(RawHeader.create("Last-Event-ID", Long.toString(lastEventId)));
        }
        HttpRequest request = HttpRequest.GET(basePath + "/cluster/events").addHeaders(headers);
        var builder = Http.get(system).connectionTo(base.getHost()).toPort(port());
        var flow = base.getScheme().equals("https") ? builder.withCustomHttpsConnectionContext(https).https()
                : builder.http();
        return Source.single(request).via(flow).flatMapConcat(response -> {
            if (response.status().intValue() != 200) {
                response.discardEntityBytes(materializer);
                throw new OpException("http-" + response.status().intValue(), "event stream refused");
            }
            connected.run();
            return Source.completionStage(EventStreamUnmarshalling.fromEventsStream(system)
                    .unmarshal(response.entity(), materializer)).flatMapConcat(s -> s);
        });
    }

    private int port() {
        return base.getPort() > 0 ? base.getPort() : base.getScheme().equals("https") ? 443 : 80;
    }

    private CompletionStage<JsonNode> send(String method, String path, Map<String, String> form, String[] headers) {
        requests.increment();
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(URI.create(base + path))
                .timeout(REQUEST_TIMEOUT)
                .method(method, form == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(form(form)));
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded");
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        java.net.http.HttpRequest built = request.build();
        try {
            return CompletableFuture.supplyAsync(() -> exchange(built), pool);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new OpException("closed", "the client is closed"));
        }
    }

    private JsonNode exchange(java.net.http.HttpRequest request) {
        java.net.http.HttpResponse<byte[]> response;
        try {
            response = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.net.ConnectException e) {
            throw new OpException("connect", request.uri().getHost() + ":" + request.uri().getPort() + ": " + e);
        } catch (java.net.http.HttpTimeoutException e) {
            throw new OpException("timeout", request.method() + " " + request.uri().getPath() + " timed out");
        } catch (java.io.IOException e) {
            throw new OpException("io", request.method() + " " + request.uri().getPath() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpException("interrupted", "interrupted");
        }
        return body(response.statusCode(), response.body());
    }

    /** The answer's {@code data}, or an {@link OpException} {@code http-STATUS} with Proxmox's message and errors. */
    static JsonNode body(int status, byte[] bytes) {
        JsonNode body;
        try {
            body = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new OpException("bad-json", "answer is not JSON: " + e.getMessage());
        }
        if (status != 200) {
            String reason = body.path("message").asText("HTTP " + status);
            throw new OpException("http-" + status, reason + " " + body.path("errors"));
        }
        return body.has("data") ? body.get("data") : body;
    }

    static String form(Map<String, String> params) {
        StringJoiner j = new StringJoiner("&");
        params.forEach((k, v) -> j.add(enc(k) + "=" + enc(v)));
        return j.toString();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static SSLContext defaultContext() {
        try {
            return SSLContext.getDefault();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** --insecure: any certificate, any host name (a node's self-signed certificate, like curl -k). */
    private static HttpsConnectionContext trustingEverything(SSLContext ctx) {
        return ConnectionContext.httpsClient((host, port) -> {
            SSLEngine engine = ctx.createSSLEngine(host, port);
            engine.setUseClientMode(true);
            return engine;
        });
    }

    private static SSLContext trustingContext() {
        try {
            TrustManager trustAll = new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            };
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {trustAll}, new SecureRandom());
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
