package org.fabricve.node.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.fabricve.core.hypervisor.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrencyTest {

    @TempDir
    Path dir;

    @Test
    void fourThreadsCyclingDomainsNeitherCrashNorDeadlock() throws Exception {
        Path file = dir.resolve("node.xml");
        TestHost.write(file, "pve1", 8, 16384, Files.createDirectories(dir.resolve("local")));
        int threads = 4;
        int cycles = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (LibvirtHypervisor hv = LibvirtHypervisor.connect(TestHost.uri(file))) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < cycles; i++) {
                        String own = "t" + thread + "-" + i;
                        String shared = "shared-" + (i % 3); // contended by every thread
                        hv.define(Specs.simple(own, 1000 + thread * 100 + i));
                        hv.start(own);
                        assertThat(hv.domain(own).orElseThrow().state()).isEqualTo(RunState.RUNNING);
                        hv.define(Specs.simple(shared, 9000 + i % 3));
                        hv.start(shared);
                        hv.listDomains();
                        hv.stop(own);
                        hv.stop(shared);
                        hv.undefine(own);
                        hv.createVolume("local", own + ".raw", 1 << 20, "raw");
                        hv.deleteVolume("local", own + ".raw");
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS); // deadline instead of sleeping; rethrows failures
            }
            assertThat(hv.listDomains()).allSatisfy(d -> assertThat(d.name()).startsWith("shared-"));
            assertThat(hv.volumes("local")).isEmpty();
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
