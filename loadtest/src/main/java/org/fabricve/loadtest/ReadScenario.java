package org.fabricve.loadtest;


import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code read}: {@code GET /cluster/resources} and {@code GET .../status/current} of a random guest, alternately,
 * while {@code --writers} background clients run the lifecycle (measured separately, under {@code extra.writer}).
 * {@code --guests} guests are created first (stopped), and deleted afterwards unless {@code --keep}. With
 * {@code --ostemplate} they are containers from that template, started (a real host's running containers).
 */
final class ReadScenario implements Scenario {

    private final Target target;
    private final Stats stats;
    private final NanoClock clock;
    private final int guests;
    private final int writers;
    private final boolean keep;
    private final String ostemplate;
    private final String type;
    private final Stats writerStats = new Stats();
    private final List<Integer> vmids = new ArrayList<>();
    private final AtomicLong arrivals = new AtomicLong();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicInteger lastResourceRows = new AtomicInteger();
    private final List<CompletableFuture<Void>> writerLoops = new ArrayList<>();
    private long writerStart;
    private double setupSeconds;

    ReadScenario(Target target, Stats stats, NanoClock clock, int guests, int writers, boolean keep, String ostemplate) {
        this.target = target;
        this.stats = stats;
        this.clock = clock;
        this.guests = guests;
        this.writers = writers;
        this.keep = keep;
        this.ostemplate = ostemplate;
        this.type = ostemplate == null ? "qemu" : "lxc";
    }

    @Override
    public String name() {
        return "read";
    }

    @Override
    public void setup() throws Exception {
        long began = clock.nanoTime();
        for (int i = 0; i < guests; i++) {
            vmids.add(target.nextVmid());
        }
        forAll(vmid -> target.api.post("/nodes/" + target.node + "/" + type, createParams(vmid))
                .thenCompose(upid -> target.api.awaitTask(target.node, upid.asText(), target.poll)));
        setupSeconds = (clock.nanoTime() - began) / 1e9;
        System.err.printf(java.util.Locale.ROOT, "loadtest: read: %d guests created in %.1f s%n", guests, setupSeconds);
        writerStart = clock.nanoTime();
        LifecycleScenario writer = new LifecycleScenario(target, writerStats, clock, upid -> {});
        for (int w = 0; w < writers; w++) {
            CompletableFuture<Void> loop = new CompletableFuture<>();
            writerLoop(writer, loop);
            writerLoops.add(loop);
        }
    }

    private void writerLoop(LifecycleScenario writer, CompletableFuture<Void> done) {
        if (stopping.get()) {
            done.complete(null);
            return;
        }
        writer.iteration(0, clock.nanoTime()).whenCompleteAsync((v, t) -> writerLoop(writer, done));
    }

    private Map<String, String> createParams(int vmid) {
        if (ostemplate == null) {
            return Map.of("vmid", Integer.toString(vmid), "name", "lt-" + vmid, "memory", "64", "cores", "1");
        }
        return Map.of("vmid", Integer.toString(vmid), "hostname", "lt-" + vmid, "memory", "64", "swap", "0",
                "cores", "1", "rootfs", "local:1", "ostemplate", ostemplate, "start", "1");
    }

    /** Runs {@code op} for every guest of the run, 16 at a time; waits for all. */
    private void forAll(java.util.function.Function<Integer, CompletionStage<?>> op) throws Exception {
        int failures = Lanes.forAll(vmids.size(), 16, java.time.Duration.ofMinutes(30), i -> op.apply(vmids.get(i)));
        if (failures > 0) {
            System.err.println("loadtest: read: " + failures + " of " + vmids.size() + " guest operations failed");
        }
    }

    @Override
    public CompletionStage<Void> iteration(int client, long intendedStartNanos) {
        if (arrivals.getAndIncrement() % 2 == 0 || vmids.isEmpty()) {
            return Scenario.step(stats, clock, "resources", intendedStartNanos,
                    () -> target.api.get("/cluster/resources").thenApply(rows -> {
                        lastResourceRows.set(rows.size());
                        return rows;
                    })).thenApply(x -> null);
        }
        int vmid = vmids.get(ThreadLocalRandom.current().nextInt(vmids.size()));
        return Scenario.step(stats, clock, "status", intendedStartNanos,
                () -> target.api.get("/nodes/" + target.node + "/" + type + "/" + vmid + "/status/current"))
                .thenApply(x -> null);
    }

    @Override
    public void teardown() throws Exception {
        stopping.set(true);
        CompletableFuture.allOf(writerLoops.toArray(new CompletableFuture[0])).get(2, TimeUnit.MINUTES);
        double writerSeconds = (clock.nanoTime() - writerStart) / 1e9;
        writerSummary.put("ops", writerStats.ops());
        writerSummary.put("errors", writerStats.errors());
        writerSummary.put("errors_by_kind", writerStats.errorsByKind());
        writerSummary.put("throughput_ops_s", Report.round(writerStats.ops() / writerSeconds));
        writerSummary.put("latency_ms", writerStats.latency());
        writerSummary.put("steps", writerStats.stepLatency());
        if (!keep) {
            String base = "/nodes/" + target.node + "/" + type + "/";
            forAll(vmid -> (ostemplate == null ? CompletableFuture.completedFuture(null)
                    : target.api.post(base + vmid + "/status/stop", Map.of())
                            .thenCompose(upid -> target.api.awaitTask(target.node, upid.asText(), target.poll)))
                    .thenCompose(stopped -> target.api.delete(base + vmid))
                    .thenCompose(upid -> target.api.awaitTask(target.node, upid.asText(), target.poll)));
        }
    }

    private final Map<String, Object> writerSummary = new LinkedHashMap<>();

    @Override
    public Map<String, Object> extra() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("guests_created", guests);
        out.put("guest_type", type);
        out.put("guest_setup_s", Report.round(setupSeconds));
        out.put("resources_rows_last", lastResourceRows.get());
        out.put("writers", writers);
        out.put("writer", writerSummary);
        out.put("vmid_first", target.firstVmid);
        out.put("vmid_last", target.lastVmid());
        return out;
    }

}
