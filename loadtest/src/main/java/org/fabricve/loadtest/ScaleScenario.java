package org.fabricve.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * {@code scale}: registers {@code --guests} K guests (memory 64, no disks, stopped) round-robin over the first
 * {@code --hosts} M nodes the target reports, {@code --clients} creates at a time (each awaited to task end);
 * then the measured run is {@code GET /cluster/resources} closed-loop with the K guests present. Afterwards:
 * the member's memory (RSS, heap; only for a process on this machine: {@code --launch} or {@code --pid}), and
 * with {@code --launch} the cold start: SIGTERM the member, start it again on the same data, and time until
 * {@code /cluster/resources} lists all K guests. Guests are deleted afterwards unless {@code --keep} (a launched
 * member's whole data dir is removed instead).
 */
final class ScaleScenario implements Scenario {

    private static final long COLD_START_TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final Target target;
    private final Stats stats;
    private final NanoClock clock;
    private final int guests;
    private final int hostsWanted;
    private final int lanes;
    private final boolean keep;
    private final NodeLauncher launcher;
    private final Long pid;
    private final Callable<Void> relogin;
    private final PrintStream err;
    private final Stats createStats = new Stats();
    private final List<Integer> vmids = new ArrayList<>();
    private List<String> hosts = List.of();
    private List<String> placement = List.of();
    private int hostsReported;
    private double createSeconds;
    private final AtomicInteger lastRows = new AtomicInteger();
    private final AtomicInteger lastOurs = new AtomicInteger();
    private int oursBeforeRun;
    private double catchUpSeconds;
    private final Map<String, Object> memory = new LinkedHashMap<>();
    private final Map<String, Object> memoryAfterColdStart = new LinkedHashMap<>();
    private final Map<String, Object> coldStart = new LinkedHashMap<>();
    private double launchUpSeconds = Double.NaN;

    ScaleScenario(Target target, Stats stats, NanoClock clock, int guests, int hosts, int lanes, boolean keep,
                  NodeLauncher launcher, Long pid, Callable<Void> relogin, PrintStream err) {
        this.target = target;
        this.stats = stats;
        this.clock = clock;
        this.guests = guests;
        this.hostsWanted = hosts;
        this.lanes = Math.max(1, lanes);
        this.keep = keep;
        this.launcher = launcher;
        this.pid = pid;
        this.relogin = relogin;
        this.err = err;
    }

    @Override
    public String name() {
        return "scale";
    }

    void launchedIn(double upSeconds) {
        launchUpSeconds = upSeconds;
    }

    @Override
    public void setup() throws Exception {
        List<String> reported = new ArrayList<>();
        for (JsonNode n : target.api.get("/nodes").toCompletableFuture().get(30, TimeUnit.SECONDS)) {
            reported.add(n.path("node").asText());
        }
        hostsReported = reported.size();
        hosts = Placement.hosts(reported, hostsWanted);
        if (hosts.isEmpty()) {
            throw new IllegalStateException("the target lists no nodes (GET /nodes)");
        }
        if (hosts.size() < hostsWanted) {
            err.printf(Locale.ROOT, "loadtest: scale: --hosts %d but the target reports %d nodes; using %d%n",
                    hostsWanted, hostsReported, hosts.size());
        }
        placement = Placement.roundRobin(hosts, guests);
        for (int i = 0; i < guests; i++) {
            vmids.add(target.nextVmid());
        }
        long began = clock.nanoTime();
        AtomicLong done = new AtomicLong();
        forAll(i -> {
            long start = clock.nanoTime();
            String node = placement.get(i);
            int vmid = vmids.get(i);
            return Scenario.step(createStats, clock, "create", start, () -> target.api.post("/nodes/" + node + "/qemu",
                            Map.of("vmid", Integer.toString(vmid), "name", "sc-" + vmid, "memory", "64", "cores", "1"))
                    .thenCompose(upid -> target.api.awaitTask(node, upid.asText(), target.poll)))
                    .whenComplete((v, t) -> {
                        long n = done.incrementAndGet();
                        if (n % 250 == 0 || n == guests) {
                            double s = (clock.nanoTime() - began) / 1e9;
                            err.printf(Locale.ROOT, "\rloadtest: scale: %d / %d guests created in %.1f s (%.0f/s), "
                                    + "errors %d   ", n, guests, s, n / s, createStats.errors());
                        }
                    });
        });
        createSeconds = (clock.nanoTime() - began) / 1e9;
        err.println();
        // /cluster/resources is a read model: it may trail the creates' task ends a little
        long created = createStats.ops();
        long waitFrom = clock.nanoTime();
        oursBeforeRun = ours(resources());
        while (oursBeforeRun < created && clock.nanoTime() - waitFrom < TimeUnit.SECONDS.toNanos(60)) {
            Thread.sleep(50);
            oursBeforeRun = ours(resources());
        }
        catchUpSeconds = (clock.nanoTime() - waitFrom) / 1e9;
        err.printf(Locale.ROOT, "loadtest: scale: %d guests over %d hosts in %.1f s (%.1f creates/s); "
                + "/cluster/resources lists %d of them%n", guests, hosts.size(), createSeconds, guests / createSeconds,
                oursBeforeRun);
    }

    private JsonNode resources() throws Exception {
        return target.api.get("/cluster/resources").toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** How many of this run's guests a /cluster/resources answer lists. */
    int ours(JsonNode rows) {
        int n = 0;
        int first = target.firstVmid;
        int last = target.lastVmid();
        for (JsonNode r : rows) {
            long vmid = r.path("vmid").asLong(-1);
            if (vmid >= first && vmid <= last) {
                n++;
            }
        }
        return n;
    }

    /** Runs {@code op(i)} for every guest index, {@code lanes} at a time; waits for all. */
    private void forAll(Function<Integer, CompletionStage<?>> op) throws Exception {
        Lanes.forAll(vmids.size(), lanes, Duration.ofHours(2), op::apply);
    }

    @Override
    public CompletionStage<Void> iteration(int client, long intendedStartNanos) {
        return Scenario.step(stats, clock, "resources", intendedStartNanos,
                () -> target.api.get("/cluster/resources").thenApply(rows -> {
                    lastRows.set(rows.size());
                    lastOurs.set(ours(rows));
                    return rows;
                })).thenApply(x -> null);
    }

    @Override
    public void teardown() throws Exception {
        Long memoryPid = launcher != null ? Long.valueOf(launcher.pid()) : pid;
        if (memoryPid != null) {
            err.println("loadtest: scale: measuring the member's memory (pid " + memoryPid + ")");
            memory.putAll(MemoryProbe.probe(memoryPid));
        } else {
            memory.put("rss_mib", null);
            memory.put("heap_used_mib", null);
            memory.put("reason", "the target is not a process the harness knows: give --launch, or --pid PID "
                    + "for a member on this machine");
        }
        if (launcher != null) {
            coldStart();
        } else {
            coldStart.put("seconds", null);
            coldStart.put("reason", "only with --launch (the harness must start the member itself)");
        }
        if (launcher == null && !keep) {
            err.println("loadtest: scale: deleting the " + guests + " guests");
            forAll(i -> target.api.delete("/nodes/" + placement.get(i) + "/qemu/" + vmids.get(i))
                    .thenCompose(upid -> target.api.awaitTask(placement.get(i), upid.asText(), target.poll)));
        }
    }

    private void coldStart() throws Exception {
        err.println("loadtest: scale: cold start: SIGTERM to the member (pid " + launcher.pid() + ")");
        double stopSeconds = launcher.stop();
        long began = clock.nanoTime();
        double upSeconds = launcher.start();
        Double firstAnswer = null;
        Double allListed = null;
        int seen = -1;
        String lastError = null;
        long deadline = began + COLD_START_TIMEOUT_NANOS;
        boolean loggedIn = false;
        while (clock.nanoTime() < deadline) {
            try {
                if (!loggedIn) {
                    relogin.call();
                    loggedIn = true;
                }
                JsonNode rows = resources();
                if (firstAnswer == null) {
                    firstAnswer = (clock.nanoTime() - began) / 1e9;
                }
                seen = ours(rows);
                if (seen >= oursBeforeRun) {
                    allListed = (clock.nanoTime() - began) / 1e9;
                    break;
                }
            } catch (Exception e) {
                lastError = e.getMessage();
            }
            Thread.sleep(100);
        }
        coldStart.put("seconds", allListed == null ? null : Report.round(allListed));
        coldStart.put("up_line_s", Report.round(upSeconds));
        coldStart.put("first_resources_answer_s", firstAnswer == null ? null : Report.round(firstAnswer));
        coldStart.put("guests_expected", oursBeforeRun);
        coldStart.put("guests_listed", seen);
        coldStart.put("stop_s", Report.round(stopSeconds));
        if (allListed == null) {
            coldStart.put("reason", "not all guests listed within 10 min" + (lastError == null ? "" : "; last error: "
                    + lastError));
        }
        err.printf(Locale.ROOT, "loadtest: scale: cold start: 'is up.' after %.1f s, all %d guests listed after %s s%n",
                upSeconds, oursBeforeRun, allListed == null ? "-" : String.format(Locale.ROOT, "%.1f", allListed));
        memoryAfterColdStart.putAll(MemoryProbe.probe(launcher.pid()));
    }

    @Override
    public Map<String, Object> extra() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("guests", guests);
        out.put("hosts_requested", hostsWanted);
        out.put("hosts_reported", hostsReported);
        out.put("hosts_used", hosts.size());
        out.put("guests_per_host_max", Placement.counts(placement).values().stream().mapToInt(x -> x).max().orElse(0));
        out.put("guests_per_host_min", Placement.counts(placement).values().stream().mapToInt(x -> x).min().orElse(0));
        Map<String, Object> create = new LinkedHashMap<>();
        create.put("ops", createStats.ops());
        create.put("errors", createStats.errors());
        create.put("errors_by_kind", createStats.errorsByKind());
        create.put("concurrency", lanes);
        create.put("seconds", Report.round(createSeconds));
        create.put("creates_per_s", Report.round(createSeconds > 0 ? createStats.ops() / createSeconds : 0));
        create.put("latency_ms", createStats.latency());
        out.put("create", create);
        out.put("guests_listed_before_run", oursBeforeRun);
        out.put("resources_catch_up_s", Report.round(catchUpSeconds));
        out.put("resources_rows_last", lastRows.get());
        out.put("resources_guests_listed_last", lastOurs.get());
        if (launcher != null) {
            out.put("launched", Map.of("url", launcher.url(), "first_up_line_s", Report.round(launchUpSeconds),
                    "log", launcher.log().toString()));
        }
        out.put("memory", memory);
        out.put("cold_start", coldStart);
        if (!memoryAfterColdStart.isEmpty()) {
            out.put("memory_after_cold_start", memoryAfterColdStart);
        }
        out.put("vmid_first", target.firstVmid);
        out.put("vmid_last", target.lastVmid());
        return out;
    }
}
