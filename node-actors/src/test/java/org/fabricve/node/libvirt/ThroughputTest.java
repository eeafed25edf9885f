package org.fabricve.node.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Measures (prints, never asserts) single-threaded define+start+stop+undefine cycles per second. */
class ThroughputTest {

    @TempDir
    Path dir;

    @Test
    void singleThreadedLifecycleCycles() throws Exception {
        Path file = dir.resolve("node.xml");
        TestHost.write(file, "bench", 8, 16384, Files.createDirectories(dir.resolve("local")));
        try (LibvirtHypervisor hv = LibvirtHypervisor.connect(TestHost.uri(file))) {
            cycles(hv, 1000, "warm-up");
            int n = 3000;
            long t0 = System.nanoTime();
            cycles(hv, n, "run");
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("LibvirtHypervisor define+start+stop+undefine: %d cycles in %.2f s = %.0f cycles/s%n",
                    n, secs, n / secs);
            assertThat(hv.listDomains()).isEmpty();
        }
    }

    private static void cycles(LibvirtHypervisor hv, int n, String prefix) {
        for (int i = 0; i < n; i++) {
            String name = prefix + "-" + i;
            hv.define(Specs.simple(name, 100 + i));
            hv.start(name);
            hv.stop(name);
            hv.undefine(name);
        }
    }
}
