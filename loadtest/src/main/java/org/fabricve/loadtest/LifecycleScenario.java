package org.fabricve.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * {@code lifecycle}: create, start, status, stop, delete one guest per iteration, through the API. Each
 * write step is awaited to the end of its task by polling {@code /nodes/{node}/tasks/{upid}/status} (answered
 * by the guest's entity, so strongly consistent) every {@code --poll} (default 5 ms). The event stream would
 * cost no polling requests, but it trails the journal by the read side's refresh interval (50 ms), which
 * would dominate every step's latency; the events scenario measures that path on its own.
 */
final class LifecycleScenario implements Scenario {

    static final String[] STEPS = {"create", "start", "status", "stop", "delete"};

    private final Target target;
    private final Stats stats;
    private final NanoClock clock;
    private final Consumer<String> finishedTask;

    LifecycleScenario(Target target, Stats stats, NanoClock clock, Consumer<String> finishedTask) {
        this.target = target;
        this.stats = stats;
        this.clock = clock;
        this.finishedTask = finishedTask;
    }

    @Override
    public String name() {
        return "lifecycle";
    }

    @Override
    public int opsPerIteration() {
        return STEPS.length;
    }

    @Override
    public CompletionStage<Void> iteration(int client, long intendedStartNanos) {
        int vmid = target.nextVmid();
        String guest = "/nodes/" + target.node + "/qemu/" + vmid;
        Map<String, String> config = new LinkedHashMap<>();
        config.put("vmid", Integer.toString(vmid));
        config.put("name", "lt-" + vmid);
        config.put("memory", "64");
        config.put("cores", "1");
        CompletionStage<Void> cycle = Scenario.step(stats, clock, "create", intendedStartNanos,
                        () -> task(target.api.post("/nodes/" + target.node + "/qemu", config)))
                .thenCompose(x -> Scenario.step(stats, clock, "start", clock.nanoTime(),
                        () -> task(target.api.post(guest + "/status/start", Map.of()))))
                .thenCompose(x -> Scenario.step(stats, clock, "status", clock.nanoTime(),
                        () -> target.api.get(guest + "/status/current").thenApply(LifecycleScenario::running)))
                .thenCompose(x -> Scenario.step(stats, clock, "stop", clock.nanoTime(),
                        () -> task(target.api.post(guest + "/status/stop", Map.of()))))
                .thenCompose(x -> Scenario.step(stats, clock, "delete", clock.nanoTime(),
                        () -> task(target.api.delete(guest))))
                .thenApply(x -> null);
        // a failed step leaves a guest behind: stop and delete it (not measured), so the run cleans up after itself
        return cycle.exceptionallyCompose(failure -> target.api.post(guest + "/status/stop", Map.of())
                .thenCompose(this::taskQuietly)
                .handle((x, t) -> null)
                .thenCompose(x -> target.api.delete(guest).thenCompose(this::taskQuietly))
                .handle((x, t) -> null));
    }

    private static JsonNode running(JsonNode status) {
        if (!"running".equals(status.path("status").asText())) {
            throw new OpException("wrong-state", "guest is " + status.path("status").asText() + ", not running");
        }
        return status;
    }

    private CompletionStage<JsonNode> task(CompletionStage<JsonNode> upidAnswer) {
        return upidAnswer.thenCompose(upid -> target.api.awaitTask(target.node, upid.asText(), target.poll)
                .thenApply(status -> {
                    finishedTask.accept(upid.asText());
                    return status;
                }));
    }

    private CompletionStage<JsonNode> taskQuietly(JsonNode upid) {
        return target.api.awaitTask(target.node, upid.asText(), target.poll)
                .exceptionally(t -> null);
    }

    @Override
    public Map<String, Object> extra() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("vmid_first", target.firstVmid);
        out.put("vmid_last", target.lastVmid());
        out.put("task_completion", "polled GET /nodes/{node}/tasks/{upid}/status every " + target.poll.toMillis()
                + " ms");
        return out;
    }

    static CompletableFuture<Void> done() {
        return CompletableFuture.completedFuture(null);
    }
}
