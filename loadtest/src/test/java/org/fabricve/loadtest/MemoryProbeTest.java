package org.fabricve.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoryProbeTest {

    @Test
    void readsRssFromProcStatus() {
        String status = "Name:\tjava\nVmPeak:\t 9999999 kB\nVmHWM:\t   78720 kB\nVmRSS:\t   65536 kB\nThreads:\t20\n";
        assertThat(MemoryProbe.statusKb(status, "VmRSS")).hasValue(65536);
        assertThat(MemoryProbe.statusKb(status, "VmHWM")).hasValue(78720);
        assertThat(MemoryProbe.statusKb(status, "VmSwap")).isEmpty();
        assertThat(MemoryProbe.mib(65536)).isEqualTo(64.0);
    }

    @Test
    void readsG1HeapInfo() {
        String out = "23934:\n garbage-first heap   total 397312K, used 17618K [0x0000000687400000, 0x0000000800000000)\n"
                + "  region size 4096K, 4 young (16384K), 0 survivors (0K)\n"
                + " Metaspace       used 8914K, committed 9088K, reserved 1114112K\n"
                + "  class space    used 1062K, committed 1152K, reserved 1048576K\n";
        var heap = MemoryProbe.heapInfo(out).orElseThrow();
        assertThat(heap.totalKb()).isEqualTo(397312);
        assertThat(heap.usedKb()).isEqualTo(17618);
        assertThat(heap.metaspaceUsedKb()).isEqualTo(8914);
        assertThat(MemoryProbe.heapInfo("12: Could not attach")).isEmpty();
    }

    @Test
    void probesThisJvm() {
        var m = MemoryProbe.probe(ProcessHandle.current().pid());
        assertThat((Double) m.get("rss_mib")).isPositive();
        // jcmd ships with the JDK that runs the tests; where it is missing the reason must be there instead
        assertThat(m.get("heap_used_mib") != null || m.containsKey("heap_reason")).isTrue();
    }
}
