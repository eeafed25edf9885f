package org.fabricve.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A Proxmox API client over real HTTPS, trusting exactly the node's self-signed certificate. */
final class ApiClient {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TASK_TIMEOUT = Duration.ofSeconds(20);

    record Response(int status, String reason, JsonNode body) {
        JsonNode data() {
            return body.path("data");
        }
    }

    private final HttpClient http;
    private final String base;
    private String ticket;
    private String csrf;

    ApiClient(String base, Path certificate) throws Exception {
        this.base = base;
        this.http = HttpClient.newBuilder().sslContext(trusting(certificate)).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Plain HTTP (a node started with TLS off). */
    ApiClient(String base) {
        this.base = base;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    ApiClient login(String password) throws Exception {
        Response login = post("/access/ticket", Map.of("username", "root@pam", "password", password));
        if (login.status() != 200) {
            throw new AssertionError("login failed: " + login);
        }
        ticket = login.data().path("ticket").asText();
        csrf = login.data().path("CSRFPreventionToken").asText();
        return this;
    }

    static ApiClient loggedIn(FabricNode node) throws Exception {
        ApiClient client = new ApiClient("https://127.0.0.1:" + node.apiPort() + "/api2/json",
                node.certificate().orElseThrow().certificatePath());
        return client.login(Files.readString(node.credentials().passwordFile()).strip());
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trust.setCertificateEntry("node", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    ApiClient withTicket(String ticket, String csrf) throws Exception {
        this.ticket = ticket;
        this.csrf = csrf;
        return this;
    }

    String ticket() {
        return ticket;
    }

    String csrf() {
        return csrf;
    }

    Response get(String path) throws Exception {
        return send(request(path).GET());
    }

    /** Creates a small VM on {@code node}, makes it an HA resource to be started, and waits until HA started it. */
    void haGuestStarted(String node, String vmid) throws Exception {
        runTask(node, "/nodes/" + node + "/qemu", params("vmid", vmid, "memory", "64"));
        Response added = post("/cluster/ha/resources", params("sid", "vm:" + vmid, "state", "started"));
        if (added.status() != 200) throw new AssertionError("adding vm:" + vmid + " to HA answered " + added.status());
        Await.until(Duration.ofSeconds(60), "vm:" + vmid + " started by the HA manager",
                () -> "started".equals(haState("vm:" + vmid)));
    }

    /** The HA manager's state of a service ({@code /cluster/ha/status/current}); empty when absent or unanswered. */
    String haState(String sid) {
        try {
            for (JsonNode row : get("/cluster/ha/status/current").data()) {
                if (row.path("sid").asText().equals(sid)) return row.path("state").asText();
            }
            return "";
        } catch (Exception e) {
            return "";
        }
    }

    Response post(String path, Map<String, String> form) throws Exception {
        return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))));
    }

    /**
     * A multipart/form-data POST as a browser sends a file: the fields first, then {@code file} as part
     * {@code filePart} under the file name {@code filename}.
     */
    Response postFile(String path, Map<String, String> fields, String filePart, String filename, Path file)
            throws Exception {
        String boundary = "fabric-" + System.nanoTime();
        java.util.List<byte[]> body = new java.util.ArrayList<>();
        fields.forEach((k, v) -> body.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k
                + "\"\r\n\r\n" + v + "\r\n").getBytes(StandardCharsets.UTF_8)));
        body.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + filePart + "\"; filename=\""
                + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.add(Files.readAllBytes(file));
        body.add(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(body)));
    }

    /**
     * Uploads {@code file} into a storage's {@code content} folder (iso or vztmpl) as Proxmox's upload does, with
     * its SHA-256 to verify, and waits for the upload's task to end OK; returns its UPID.
     */
    String upload(String node, String storage, String content, Path file) throws Exception {
        String sha256 = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        Response r = postFile("/nodes/" + node + "/storage/" + storage + "/upload", params("content", content,
                "checksum-algorithm", "sha256", "checksum", sha256), "filename", file.getFileName().toString(), file);
        if (r.status() != 200) {
            throw new AssertionError("upload of " + file + " answered " + r.status() + " " + r.body());
        }
        JsonNode status = awaitTask(node, r.data().asText());
        if (!"OK".equals(status.path("exitstatus").asText())) {
            throw new AssertionError("upload task ended with " + status);
        }
        return r.data().asText();
    }

    Response postJson(String path, Object body) throws Exception {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    Response put(String path, Map<String, String> form) throws Exception {
        return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString(form(form))));
    }

    Response delete(String path) throws Exception {
        return send(request(path).DELETE());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (ticket != null) {
            b.header("Cookie", "PVEAuthCookie=" + ticket);
        }
        if (csrf != null) {
            b.header("CSRFPreventionToken", csrf);
        }
        return b;
    }

    private Response send(HttpRequest.Builder builder) throws Exception {
        HttpResponse<String> r = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        return new Response(r.statusCode(), body.path("message").asText(""), body);
    }

    static String form(Map<String, String> params) {
        StringJoiner j = new StringJoiner("&");
        params.forEach((k, v) -> j.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return j.toString();
    }

    static Map<String, String> params(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Waits until the task ends and returns its final status object. */
    JsonNode awaitTask(String node, String upid) throws Exception {
        return Await.until(TASK_TIMEOUT, "task " + upid, () -> {
            try {
                JsonNode status = get("/nodes/" + node + "/tasks/" + upid + "/status").data();
                return "stopped".equals(status.path("status").asText()) ? status : null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The rows of a guest's {@code /pending} that have a pending value or a pending delete, by key. */
    Map<String, JsonNode> pending(String guestPath) throws Exception {
        Map<String, JsonNode> out = new java.util.TreeMap<>();
        get(guestPath + "/pending").data().forEach(r -> {
            if (r.has("pending") || r.has("delete")) {
                out.put(r.path("key").asText(), r);
            }
        });
        return out;
    }

    /** Starts a task through {@code path}, waits for it and asserts it ended OK; returns the UPID. */
    String runTask(String node, String path, Map<String, String> params) throws Exception {
        Response r = post(path, params);
        if (r.status() != 200) {
            throw new AssertionError("POST " + path + " answered " + r.status() + " " + r.body());
        }
        String upid = r.data().asText();
        JsonNode status = awaitTask(node, upid);
        if (!"OK".equals(status.path("exitstatus").asText())) {
            throw new AssertionError("task " + upid + " ended with " + status);
        }
        return upid;
    }

    /** A WebSocket on a guest's serial console: type text, await what the guest prints. */
    static final class Console implements java.net.http.WebSocket.Listener {
        private final StringBuffer printed = new StringBuffer();
        /** Completes when the server closes the socket (or it fails). */
        private final java.util.concurrent.CompletableFuture<String> closed = new java.util.concurrent.CompletableFuture<>();
        private java.net.http.WebSocket socket;

        @Override
        public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int statusCode,
                                                               String reason) {
            closed.complete("closed " + statusCode);
            return null;
        }

        @Override
        public void onError(java.net.http.WebSocket ws, Throwable error) {
            closed.complete("failed: " + error);
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data,
                                                              boolean last) {
            printed.append(data);
            ws.request(1);
            return null;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket ws,
                                                                java.nio.ByteBuffer data, boolean last) {
            printed.append(StandardCharsets.UTF_8.decode(data));
            ws.request(1);
            return null;
        }

        void type(String text) throws Exception {
            socket.sendText(text, true).get(10, TimeUnit.SECONDS);
        }

        void awaitOutput(String expected, Duration timeout) {
            Await.until(timeout, "'" + expected + "' on the console (so far: " + printed + ")",
                    () -> printed.indexOf(expected) >= 0);
        }

        /**
         * Types a line and waits for {@code expected}, typing it again every 2 s: a shell that just started may
         * swallow what arrives while it asks the terminal for its cursor position (busybox ash's ESC[6n).
         */
        void typeUntilSeen(String line, String expected, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                type(line);
                long retry = Math.min(deadline, System.nanoTime() + Duration.ofSeconds(2).toNanos());
                while (System.nanoTime() < retry) {
                    if (printed.indexOf(expected) >= 0) {
                        return;
                    }
                    Thread.sleep(20);
                }
                if (System.nanoTime() >= deadline) {
                    awaitOutput(expected, Duration.ZERO); // fails with what was printed
                }
            }
        }

        /** Waits until the server ends the socket: how it ended ("closed CODE" or "failed: ..."). */
        String awaitClosedByServer(Duration timeout) throws Exception {
            try {
                return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("the server did not close the console within " + timeout
                        + " (printed so far: " + printed + ")", e);
            }
        }

        void close() {
            socket.abort();
        }
    }

    Console console(String path) throws Exception {
        Console console = new Console();
        java.net.http.WebSocket.Builder b = http.newWebSocketBuilder();
        if (ticket != null) {
            b.header("Cookie", "PVEAuthCookie=" + ticket);
        }
        console.socket = b.buildAsync(URI.create(base.replaceFirst("^http", "ws") + path), console)
                .get(10, TimeUnit.SECONDS);
        return console;
    }

    /**
     * Opens the event stream (from the head when {@code lastEventId} is null) and returns once the server's
     * hello arrived, so the subscription is in place; later lines arrive in the queue (read with a deadline).
     */
    BlockingQueue<String> events(String lastEventId) throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest.Builder b = request("/cluster/events").GET();
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(r -> r.body().forEach(lines::add));
        JsonNode hello = nextEvent(lines, Duration.ofSeconds(10));
        if (!hello.has("head")) {
            throw new AssertionError("the stream did not start with its hello: " + hello);
        }
        return lines;
    }

    /** The next SSE event (id, type, data JSON) from a line queue, or an AssertionError after the timeout. */
    static JsonNode nextEvent(BlockingQueue<String> lines, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no event within " + timeout);
            }
            if (line.startsWith("data:")) {
                return JSON.readTree(line.substring(5));
            }
        }
    }
}
