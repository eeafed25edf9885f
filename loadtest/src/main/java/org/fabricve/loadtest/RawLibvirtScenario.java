package org.fabricve.loadtest;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.hypervisor.DomainSpec;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.node.libvirt.LibvirtHypervisor;
import org.fabricve.node.libvirt.TestHost;

/**
 * {@code raw-libvirt}: the backend ceiling. The lifecycle's operations (define, start, status, stop, undefine)
 * straight through the node agent's libvirt adapter on a test-driver host in this process, one blocking
 * thread per client; no HTTP, no actors, no journal. Steps carry the lifecycle's names so reports line up.
 */
final class RawLibvirtScenario implements Scenario {

    private final Stats stats;
    private final NanoClock clock;
    private final int clients;
    private final AtomicInteger nextVmid = new AtomicInteger(100);
    private Path dir;
    private LibvirtHypervisor hypervisor;
    private ExecutorService threads;

    RawLibvirtScenario(Stats stats, NanoClock clock, int clients) {
        this.stats = stats;
        this.clock = clock;
        this.clients = clients;
    }

    @Override
    public String name() {
        return "raw-libvirt";
    }

    @Override
    public int opsPerIteration() {
        return LifecycleScenario.STEPS.length;
    }

    @Override
    public void setup() throws Exception {
        dir = Files.createTempDirectory("fabric-raw-libvirt");
        Path pool = Files.createDirectories(dir.resolve("images"));
        Path host = dir.resolve("raw.xml");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        TestHost.write(host, "raw", Math.max(4, Runtime.getRuntime().availableProcessors()),
                Math.max(4096, os.getTotalMemorySize() / (1024 * 1024)), pool);
        hypervisor = LibvirtHypervisor.connect(TestHost.uri(host));
        threads = Executors.newFixedThreadPool(clients, r -> {
            Thread t = new Thread(r, "raw-libvirt");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public CompletionStage<Void> iteration(int client, long intendedStartNanos) {
        return CompletableFuture.runAsync(() -> cycle(intendedStartNanos), threads);
    }

    private void cycle(long intendedStart) {
        int vmid = nextVmid.getAndIncrement();
        String name = "lt-" + vmid;
        DomainSpec spec = new DomainSpec(name, GuestType.QEMU, vmid, "lt-" + vmid, 64, 1, List.of(), List.of());
        try {
            blocking("create", intendedStart, () -> hypervisor.define(spec));
            blocking("start", clock.nanoTime(), () -> hypervisor.start(name));
            blocking("status", clock.nanoTime(), () -> {
                RunState state = hypervisor.domain(name).orElseThrow(() -> new OpException("wrong-state",
                        name + " vanished")).state();
                if (state != RunState.RUNNING) {
                    throw new OpException("wrong-state", name + " is " + state);
                }
            });
            blocking("stop", clock.nanoTime(), () -> hypervisor.stop(name));
            blocking("delete", clock.nanoTime(), () -> hypervisor.undefine(name));
        } catch (RuntimeException e) {
            try {
                hypervisor.undefine(name);
            } catch (RuntimeException ignored) {
                // best effort
            }
        }
    }

    private void blocking(String step, long start, Runnable op) {
        try {
            op.run();
            stats.ok(step, start, clock.nanoTime());
        } catch (RuntimeException e) {
            stats.error(step, OpException.kindOf(e), start);
            throw e;
        }
    }

    @Override
    public void teardown() throws Exception {
        threads.shutdown();
        hypervisor.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Override
    public Map<String, Object> extra() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("hypervisor", "libvirt test driver in-process (LibvirtHypervisor on a TestHost file)");
        out.put("steps", "create=define, start, status=domain lookup, stop=destroy, delete=undefine");
        return out;
    }
}
