package org.fabricve.app;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.fabricve.ha.runtime.HaRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member the cluster downed (cut off on the minority side, or removed) kills its HA guests before its process
 * exits. Its agents would have killed them when their lease ran out, but they go with the process while the
 * hypervisor, and every guest on it, stays up: the majority recovers those guests once the lease is over, and
 * without this they would then run twice. This is the part of Proxmox's watchdog a process can do for itself.
 */
final class HaFenceOnDowning {

    private static final Logger LOG = LoggerFactory.getLogger(HaFenceOnDowning.class);
    /** Killing a guest is one libvirt call per guest; the bound only keeps a hung hypervisor from holding the exit. */
    static final Duration BOUND = Duration.ofSeconds(20);

    private HaFenceOnDowning() {}

    static void register(ActorSystem<?> system, HaRuntime ha) {
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "ha-fence-on-downing", () -> {
            boolean downed = CoordinatedShutdown.get(system).getShutdownReason()
                    .map(r -> r == CoordinatedShutdown.clusterDowningReason()).orElse(false);
            if (!downed) return CompletableFuture.completedFuture(Done.getInstance());
            LOG.warn("HA: this member was downed: killing its HA guests before it goes");
            return ha.fenceAll(BOUND).handle((ok, failure) -> {
                if (failure != null) LOG.error("HA: the agents did not confirm their guests dead: {}", failure.getMessage());
                return Done.getInstance();
            });
        });
    }
}
