package org.fabricve.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.fabricve.core.guest.BootOrder;
import org.fabricve.core.guest.Guest;
import org.fabricve.core.guest.GuestOperation;
import org.fabricve.core.guest.GuestState;
import org.fabricve.core.task.TaskRecord;
import org.fabricve.core.task.Upid;
import org.fabricve.ha.model.Sid;
import org.fabricve.ha.runtime.HaRuntime;
import org.fabricve.node.FabricServices;
import org.fabricve.node.GuestEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the guests marked {@code onboot} when the host has booted since this member last did so (Proxmox's
 * {@code pve-guests}), in {@link BootOrder}. A restart of fabric's process alone is no boot: the kernel's boot id,
 * kept in {@code DATA/state/boot-id} once every start was tried, tells them apart, so guests an operator stopped
 * stay stopped. HA-managed guests are HA's, so the HA configuration is read first (this waits for quorum, as
 * {@code pve-guests} does).
 */
final class OnbootStarter {

    private static final Logger LOG = LoggerFactory.getLogger(OnbootStarter.class);
    private static final Duration HA_WAIT = Duration.ofMinutes(2);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    private final FabricServices services;
    private final HaRuntime ha;
    private final List<String> nodes;
    private final Path marker;
    private final BooleanSupplier stopping;

    private OnbootStarter(FabricServices services, HaRuntime ha, List<String> nodes, Path marker, BooleanSupplier stopping) {
        this.services = services;
        this.ha = ha;
        this.nodes = nodes;
        this.marker = marker;
        this.stopping = stopping;
    }

    /** The VMIDs started, in order; empty when the host did not boot since the last time. */
    static CompletionStage<List<Integer>> run(FabricServices services, HaRuntime ha, List<String> nodes, Path dataDir,
                                              Path bootIdFile, BooleanSupplier stopping) {
        Optional<String> bootId = read(bootIdFile);
        if (bootId.isEmpty()) {
            LOG.warn("onboot: cannot read the boot id from {}; no guest is started on boot", bootIdFile);
            return CompletableFuture.completedFuture(List.of());
        }
        Path marker = dataDir.resolve("state").resolve("boot-id");
        if (bootId.equals(read(marker))) {
            LOG.info("onboot: the host has not booted since this member last started; guests stay as they are");
            return CompletableFuture.completedFuture(List.of());
        }
        OnbootStarter s = new OnbootStarter(services, ha, nodes, marker, stopping);
        return s.start(bootId.get());
    }

    private CompletionStage<List<Integer>> start(String bootId) {
        if (plan(Set.of()).isEmpty()) {
            remember(bootId);
            return CompletableFuture.completedFuture(List.of());
        }
        return haManaged(System.nanoTime() + HA_WAIT.toNanos()).thenCompose(managed -> {
            if (managed.isEmpty()) {
                LOG.warn("onboot: the HA manager did not answer within {} s (no quorum?); onboot guests are not started"
                        + " now, the next start tries again", HA_WAIT.toSeconds());
                return CompletableFuture.completedFuture(List.<Integer>of());
            }
            List<BootOrder.BootStart> plan = plan(managed.get());
            LOG.info("onboot: the host booted; starting {}", plan.stream().map(b -> Integer.toString(b.vmid()))
                    .collect(Collectors.joining(", ")));
            List<Integer> started = new ArrayList<>();
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (BootOrder.BootStart b : plan) {
                chain = chain.thenCompose(x -> stopping.getAsBoolean() ? CompletableFuture.completedFuture(null)
                        : startOne(b.vmid()).thenCompose(ok -> {
                            if (ok) started.add(b.vmid());
                            return b.upSeconds() > 0 ? CompletableFuture.runAsync(() -> { },
                                    CompletableFuture.delayedExecutor(b.upSeconds(), TimeUnit.SECONDS))
                                    : CompletableFuture.completedFuture(null);
                        }));
            }
            return chain.thenApply(x -> {
                if (!stopping.getAsBoolean()) remember(bootId);
                return List.copyOf(started);
            });
        });
    }

    private List<BootOrder.BootStart> plan(Set<Integer> haManaged) {
        List<Guest> mine = services.view().guests().stream().map(GuestState::guest)
                .filter(g -> g != null && nodes.contains(g.node())).toList();
        return BootOrder.plan(mine, haManaged);
    }

    /** The VMIDs HA manages, once the manager answers; empty when it did not before the deadline. */
    private CompletionStage<Optional<Set<Integer>>> haManaged(long deadline) {
        return ha.status().handle((status, failure) -> Optional.ofNullable(failure == null ? status : null))
                .thenCompose(status -> {
                    if (status.isPresent()) {
                        return CompletableFuture.completedFuture(Optional.of(status.get().config().services().keySet()
                                .stream().map(Sid::vmid).collect(Collectors.toUnmodifiableSet())));
                    }
                    if (System.nanoTime() > deadline || stopping.getAsBoolean()) {
                        return CompletableFuture.completedFuture(Optional.empty());
                    }
                    return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS))
                            .thenCompose(x -> haManaged(deadline));
                });
    }

    private CompletionStage<Boolean> startOne(int vmid) {
        Optional<Guest> guest = services.view().guests().stream().map(GuestState::guest)
                .filter(g -> g != null && g.vmid() == vmid).findFirst();
        if (guest.isEmpty()) return CompletableFuture.completedFuture(false);
        Upid upid = services.newUpid(guest.get().node(), GuestOperation.START.taskType(guest.get().type()),
                Integer.toString(vmid), "root@pam");
        return services.operate(vmid, GuestOperation.START, upid).thenCompose(reply -> {
            if (reply instanceof GuestEntity.Rejected r) {
                LOG.warn("onboot: start of {} refused: {}", guest.get().label(), r.rejection().message());
                return CompletableFuture.completedFuture(false);
            }
            return services.awaitTask(vmid, upid.format(), START_TIMEOUT).thenApply(st -> {
                Optional<TaskRecord> t = st.task(upid.format());
                boolean ok = t.isPresent() && t.get().succeeded();
                if (ok) LOG.info("onboot: started {}", guest.get().label());
                else LOG.warn("onboot: start of {} failed: {}", guest.get().label(),
                        t.map(TaskRecord::exitStatus).orElse("no task"));
                return ok;
            });
        }).exceptionally(failure -> {
            LOG.warn("onboot: start of {} failed: {}", guest.get().label(), failure.getMessage());
            return false;
        });
    }

    private void remember(String bootId) {
        try {
            Files.createDirectories(marker.getParent());
            Files.writeString(marker, bootId + "\n");
        } catch (IOException e) {
            LOG.warn("onboot: cannot record the boot id in {}: {}", marker, e.getMessage());
        }
    }

    private static Optional<String> read(Path file) {
        try {
            String s = Files.readString(file).trim();
            return s.isEmpty() ? Optional.empty() : Optional.of(s);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
