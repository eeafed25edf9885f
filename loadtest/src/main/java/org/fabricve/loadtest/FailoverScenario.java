package org.fabricve.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@code failover}: HA guests on one member (the victim), that member lost by a command of the user's
 * ({@code --kill}: {@code kill -9 PID}, an {@code ssh} to power it off, a firewall rule that cuts it off), and
 * each guest's time from the command until the HA status of a surviving member ({@code --target}) reports it
 * {@code started} on another node (the survivor's agent confirmed it running there). One operation per guest;
 * its latency is its recovery time, so p50 is the median guest and max the last one.
 *
 * <p>It sees the cluster over the API only, so it cannot tell a double run (a guest started elsewhere while the
 * lost member still ran it): a killed process runs nothing, and for partitions the members' logs tell
 * (fabric-app's HaFailoverBenchmark checks them).
 */
final class FailoverScenario implements Scenario {

    static final Duration POLL = Duration.ofMillis(100);
    private static final Duration SETTLE = Duration.ofMinutes(5);

    private final Target target;
    private final Stats stats;
    private final NanoClock clock;
    private final String victim;
    private final String kill;
    private final int create;
    private final boolean keep;
    private final Duration recoveryTimeout;
    private final PrintStream err;
    private final List<String> lost = new ArrayList<>();
    private final List<Integer> created = new ArrayList<>();
    private final Map<String, Object> outcome = new LinkedHashMap<>();
    private double setupSeconds;

    FailoverScenario(Target target, Stats stats, NanoClock clock, String victim, String kill, int create,
                     boolean keep, Duration recoveryTimeout, PrintStream err) {
        this.target = target;
        this.stats = stats;
        this.clock = clock;
        this.victim = victim;
        this.kill = kill;
        this.create = create;
        this.keep = keep;
        this.recoveryTimeout = recoveryTimeout;
        this.err = err;
    }

    @Override
    public String name() {
        return "failover";
    }

    /** Every guest of the victim is one operation, all in the run's one iteration. */
    @Override
    public int opsPerIteration() {
        return Math.max(1, lost.size());
    }

    int guestsOnVictim() {
        return lost.size();
    }

    @Override
    public void setup() throws Exception {
        long began = clock.nanoTime();
        for (int i = 0; i < create; i++) {
            created.add(target.nextVmid());
        }
        String nodePath = "/nodes/" + victim + "/qemu";
        int failed = Lanes.forAll(created.size(), 16, SETTLE, i -> {
            int vmid = created.get(i);
            return target.api.post(nodePath, Map.of("vmid", Integer.toString(vmid), "name", "ha-" + vmid,
                            "memory", "64", "cores", "1"))
                    .thenCompose(upid -> target.api.awaitTask(victim, upid.asText(), target.poll))
                    .thenCompose(done -> target.api.post("/cluster/ha/resources",
                            Map.of("sid", "vm:" + vmid, "state", "started")));
        });
        if (failed > 0) {
            throw new IllegalStateException(failed + " of " + created.size() + " HA guests could not be created on "
                    + victim);
        }
        // the HA guests of the victim, created now or before: every one must run there before the loss
        long deadline = clock.nanoTime() + SETTLE.toNanos();
        Map<String, String> started = Map.of();
        while (clock.nanoTime() < deadline) {
            started = startedServices();
            List<String> onVictim = started.entrySet().stream().filter(e -> e.getValue().equals(victim))
                    .map(Map.Entry::getKey).sorted().toList();
            boolean allCreatedRun = created.stream().allMatch(v -> victim.equals(startedOn(v)));
            if (allCreatedRun && !onVictim.isEmpty()) {
                lost.addAll(onVictim);
                break;
            }
            Thread.sleep(POLL.toMillis());
        }
        if (lost.isEmpty()) {
            throw new IllegalStateException("no HA guest runs on '" + victim + "' (after " + SETTLE.toMinutes()
                    + " min; started services: " + started + ")");
        }
        setupSeconds = (clock.nanoTime() - began) / 1e9;
        err.printf(Locale.ROOT, "loadtest: failover: %d HA guests run on %s (set up in %.1f s)%n", lost.size(), victim,
                setupSeconds);
    }

    private Map<String, String> lastStarted = Map.of();

    private String startedOn(int vmid) {
        return lastStarted.get("vm:" + vmid);
    }

    /** {@code sid -> node} of every HA service the target reports {@code started}. */
    private Map<String, String> startedServices() throws Exception {
        Map<String, String> out = new HashMap<>();
        JsonNode rows = target.api.get("/cluster/ha/status/current").toCompletableFuture().get(30, TimeUnit.SECONDS);
        for (JsonNode row : rows) {
            if (row.path("type").asText().equals("service") && row.path("state").asText().equals("started")) {
                out.put(row.path("sid").asText(), row.path("node").asText());
            }
        }
        lastStarted = out;
        return out;
    }

    @Override
    public CompletionStage<Void> iteration(int client, long intendedStartNanos) {
        return CompletableFuture.runAsync(() -> {
            try {
                lose();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new OpException("kill", e.getMessage());
            }
        });
    }

    private void lose() throws Exception {
        err.println("loadtest: failover: running --kill: " + kill);
        long t0 = clock.nanoTime();
        Process p = new ProcessBuilder("/bin/sh", "-c", kill).inheritIO().start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("--kill command failed or hung: " + kill);
        }
        outcome.put("kill_command_ms", Report.round((clock.nanoTime() - t0) / 1e6));
        Map<String, Long> recovered = new HashMap<>();
        long deadline = t0 + recoveryTimeout.toNanos();
        int failedPolls = 0;
        while (recovered.size() < lost.size() && clock.nanoTime() < deadline) {
            Map<String, String> started;
            try {
                started = startedServices();
            } catch (Exception e) {
                failedPolls++; // a survivor may answer 503 while the cluster re-forms; keep asking
                Thread.sleep(POLL.toMillis());
                continue;
            }
            long now = clock.nanoTime();
            for (String sid : lost) {
                String node = started.get(sid);
                if (node != null && !node.equals(victim) && !recovered.containsKey(sid)) {
                    recovered.put(sid, now);
                    stats.ok("recover", t0, now);
                }
            }
            Thread.sleep(POLL.toMillis());
        }
        for (String sid : lost) {
            if (!recovered.containsKey(sid)) {
                stats.error("recover", "not-recovered", t0);
            }
        }
        List<Long> ms = recovered.values().stream().map(t -> (t - t0) / 1_000_000).sorted().toList();
        if (!ms.isEmpty()) {
            outcome.put("first_ms", ms.get(0));
            outcome.put("median_ms", ms.get(ms.size() / 2));
            outcome.put("last_ms", ms.get(ms.size() - 1));
        }
        outcome.put("recovered", recovered.size());
        outcome.put("not_recovered", lost.size() - recovered.size());
        outcome.put("status_polls_failed", failedPolls);
    }

    @Override
    public void teardown() throws Exception {
        if (keep || created.isEmpty()) {
            return;
        }
        err.println("loadtest: failover: removing the " + created.size() + " guests it created");
        startedServices();
        Lanes.forAll(created.size(), 16, SETTLE, i -> {
            int vmid = created.get(i);
            String node = lastStarted.getOrDefault("vm:" + vmid, victim);
            String guest = "/nodes/" + node + "/qemu/" + vmid;
            return target.api.delete("/cluster/ha/resources/vm:" + vmid)
                    .thenCompose(x -> target.api.post(guest + "/status/stop", Map.of()))
                    .thenCompose(upid -> target.api.awaitTask(node, upid.asText(), target.poll))
                    .thenCompose(x -> target.api.delete(guest))
                    .thenCompose(upid -> target.api.awaitTask(node, upid.asText(), target.poll));
        });
    }

    @Override
    public Map<String, Object> extra() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("victim", victim);
        out.put("kill", kill);
        out.put("guests_on_victim", lost.size());
        out.put("guests_created", created.size());
        out.put("setup_s", Report.round(setupSeconds));
        out.put("recovery_timeout_s", recoveryTimeout.toSeconds());
        out.putAll(outcome);
        out.put("measured", "from the --kill command to /cluster/ha/status/current on the target reporting the guest "
                + "started on another node, polled every " + POLL.toMillis() + " ms");
        out.put("double_runs", "not observable over the API; see HaFailoverBenchmark");
        return out;
    }
}
