package org.fabricve.persistence.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fabricve.persistence.JournalStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/cassandra.sh as a user meets it: idempotent start, status, and bad settings named clearly. */
class CassandraScriptTest {

    @TempDir
    Path dir;

    record Run(int exit, String out) {}

    private static Run script(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path script = TestCassandra.repo().resolve("scripts/cassandra.sh");
        ProcessBuilder pb = new ProcessBuilder(concat(List.of("bash", script.toString()), args)).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), out);
    }

    private static List<String> concat(List<String> a, String... b) {
        var all = new java.util.ArrayList<>(a);
        all.addAll(List.of(b));
        return all;
    }

    @Test
    void startIsIdempotentAndStatusNamesTheRunningNode() throws Exception {
        JournalStore.Cassandra node = TestCassandra.node();
        Map<String, String> env = Map.of("FABRIC_CASSANDRA_DIR", TestCassandra.repo().resolve("data/test-cassandra").toString(),
                "FABRIC_CASSANDRA_PORT", "0", "FABRIC_CASSANDRA_FAST", "1");
        if (System.getenv("FABRIC_TEST_CASSANDRA") == null) {
            Run again = script(env, "start");
            assertThat(again.exit()).as(again.out()).isZero();
            assertThat(again.out().strip()).endsWith(node.host() + ":" + node.port());
            Run status = script(env, "status");
            assertThat(status.exit()).isZero();
            assertThat(status.out()).startsWith("running pid ").contains(node.host() + ":" + node.port());
        }
    }

    @Test
    void aNodeThatDoesNotRunSaysSo() throws Exception {
        Run status = script(Map.of("FABRIC_CASSANDRA_DIR", dir.resolve("none").toString()), "status");
        assertThat(status.exit()).isEqualTo(3);
        assertThat(status.out()).startsWith("not running");
        Run stop = script(Map.of("FABRIC_CASSANDRA_DIR", dir.resolve("none").toString()), "stop");
        assertThat(stop.exit()).isZero();
    }

    @Test
    void badSettingsAreNamedAndNothingStarts() throws Exception {
        Run port = script(Map.of("FABRIC_CASSANDRA_DIR", dir.resolve("bad").toString(), "FABRIC_CASSANDRA_PORT", "nine"),
                "start");
        assertThat(port.exit()).isEqualTo(1);
        assertThat(port.out()).contains("FABRIC_CASSANDRA_PORT must be a port number, not 'nine'");
        assertThat(dir.resolve("bad/cassandra.pid")).doesNotExist();

        Run same = script(Map.of("FABRIC_CASSANDRA_DIR", dir.resolve("bad").toString(), "FABRIC_CASSANDRA_PORT", "19042",
                "FABRIC_CASSANDRA_STORAGE_PORT", "19042"), "start");
        assertThat(same.exit()).isEqualTo(1);
        assertThat(same.out()).contains("must differ");

        Run usage = script(Map.of(), "restart");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.out()).contains("usage: scripts/cassandra.sh start|stop|status");
        assertThat(Files.exists(dir.resolve("bad/cassandra.pid"))).isFalse();
    }
}
