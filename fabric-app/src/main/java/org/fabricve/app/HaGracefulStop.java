package org.fabricve.app;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.fabricve.ha.manager.LrmMode;
import org.fabricve.ha.model.ShutdownPolicy;
import org.fabricve.ha.runtime.HaRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member stopped on purpose ({@code fabric up} ended by Ctrl-C or SIGTERM) applies the cluster's HA shutdown
 * policy to its nodes before it leaves, as Proxmox's LRM does on a node shutdown: its agents stop and freeze,
 * fail over or drain their HA guests, and the member goes once they say it may (bounded). A crash, a downing or
 * an in-process close runs no policy: those are failures, handled by fencing.
 */
final class HaGracefulStop {

    private static final Logger LOG = LoggerFactory.getLogger(HaGracefulStop.class);
    /** Proxmox stops everything after 60 s when a shutdown cannot complete; the agent does the same. */
    static final Duration BOUND = Duration.ofSeconds(70);

    private HaGracefulStop() {}

    static void register(ActorSystem<?> system, HaRuntime ha, List<String> nodes) {
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "ha-shutdown-policy", () -> {
            boolean signalled = CoordinatedShutdown.get(system).getShutdownReason()
                    .map(r -> r == CoordinatedShutdown.jvmExitReason()).orElse(false);
            if (!signalled) return CompletableFuture.completedFuture(Done.getInstance());
            return CompletableFuture.supplyAsync(() -> {
                leave(ha, nodes, rebooting());
                return Done.getInstance();
            });
        });
    }

    private static void leave(HaRuntime ha, List<String> nodes, boolean reboot) {
        ShutdownPolicy policy = ShutdownPolicy.CONDITIONAL;
        try {
            policy = ha.status().toCompletableFuture().get(5, TimeUnit.SECONDS).config().shutdownPolicy();
        } catch (Exception e) {
            LOG.warn("HA: the manager did not answer ({}); applying the default shutdown policy", e.getMessage());
        }
        LrmMode mode = LrmMode.forShutdown(policy, reboot);
        LOG.info("HA: {} of this member, shutdown policy {}: agents go {}", reboot ? "reboot" : "shutdown", policy.wire(), mode.wire());
        nodes.forEach(n -> ha.leave(n, mode));
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < deadline && !ha.leftNodes().keySet().containsAll(nodes)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!ha.leftNodes().keySet().containsAll(nodes)) LOG.warn("HA: the agents did not finish within {} s; stopping anyway", BOUND.toSeconds());
    }

    /** systemd has a reboot queued: a reboot (the conditional policy freezes), otherwise a shutdown. */
    private static boolean rebooting() {
        try {
            Process p = new ProcessBuilder("systemctl", "list-jobs", "--no-legend").redirectErrorStream(true).start();
            String jobs = new String(p.getInputStream().readAllBytes());
            return p.waitFor(2, TimeUnit.SECONDS) && jobs.contains("reboot.target");
        } catch (Exception e) {
            return false;
        }
    }
}
