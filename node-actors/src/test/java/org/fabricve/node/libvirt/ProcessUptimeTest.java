package org.fabricve.node.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessUptimeTest {

    @Test
    void hostUptimeMinusTheStartTimeEvenWithParenthesesInTheName() {
        // field 22 (starttime) = 123456 ticks = 1234 s after boot; the host is up 2000.5 s
        String stat = "4242 (qemu (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 4 0 123456 1000 200 "
                + "18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0";
        assertThat(ProcessUptime.seconds(stat, "2000.51 3900.10\n")).hasValue(766);
    }

    @Test
    void garbageOrAMissingPidFileIsNoUptime(@TempDir Path tmp) throws Exception {
        assertThat(ProcessUptime.seconds("no parenthesis here", "10.0 1.0")).isEmpty();
        assertThat(ProcessUptime.seconds("1 (x) S 1", "10.0 1.0")).isEmpty();
        assertThat(ProcessUptime.of(tmp.resolve("none.pid"))).isEmpty();
        Files.writeString(tmp.resolve("bad.pid"), "../1\n");
        assertThat(ProcessUptime.of(tmp.resolve("bad.pid"))).isEmpty();
    }

    @Test
    void thisJvmHasRunSinceItStarted(@TempDir Path tmp) throws Exception {
        Path pid = Files.writeString(tmp.resolve("self.pid"), Long.toString(ProcessHandle.current().pid()));
        long jvm = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1000;
        assertThat(ProcessUptime.of(pid).orElseThrow()).isBetween(jvm - 2, jvm + 2);
    }
}
