package org.fabricve.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.fabricve.persistence.JournalStore;
import org.fabricve.app.FabricNode;
import org.fabricve.app.NodeSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The harness against a real node started in this JVM (plain HTTP, free ports, simulated host). */
class EndToEndTest {

    @TempDir
    static Path dir;
    static FabricNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = FabricNode.start(new NodeSettings(dir.resolve("data"), "pve1", "127.0.0.1", 0, 0, false,
                Optional.empty(), Optional.of("loadtest-password"), Duration.ofSeconds(10), 3,
                new JournalStore.EmbeddedH2(), Optional.empty()));
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private static LoadTest run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LoadTest command = new LoadTest(new PrintStream(out, true), System.err);
        command.originalArgs = java.util.List.of(args);
        int exit = new CommandLine(command).execute(args);
        assertThat(exit).as("exit code").isZero();
        String[] lines = out.toString().strip().split("\n");
        assertThat(Path.of(lines[lines.length - 1])).as("last line is the result file").exists();
        return command;
    }

    @Test
    void lifecycleOfTwentyOperationsHasNoErrors() throws Exception {
        LoadTest lt = run("lifecycle", "--target", "http://127.0.0.1:" + node.apiPort(), "--password",
                "loadtest-password", "--clients", "2", "--ops", "20", "--out", dir.resolve("out").toString());
        JsonNode r = Report.JSON.readTree(lt.resultFile.toFile());
        assertThat(r.path("errors").asLong()).as(r.toPrettyString()).isZero();
        assertThat(r.path("ops").asLong()).isEqualTo(20);
        assertThat(r.path("steps").path("create").path("ops").asLong()).isEqualTo(4);
        assertThat(r.path("steps").path("delete").path("ops").asLong()).isEqualTo(4);
        assertThat(r.path("command_line").toString()).doesNotContain("loadtest-password");
        assertThat(Files.list(dir.resolve("out")).filter(p -> p.toString().endsWith(".html")).count()).isEqualTo(1);
    }

    @Test
    void eventsSubscribersMissNothing() throws Exception {
        LoadTest lt = run("events", "--target", "http://127.0.0.1:" + node.apiPort(), "--password",
                "loadtest-password", "--clients", "2", "--ops", "20", "--subscribers", "3", "--out",
                dir.resolve("events").toString());
        JsonNode r = Report.JSON.readTree(lt.resultFile.toFile());
        assertThat(r.path("errors").asLong()).as(r.toPrettyString()).isZero();
        JsonNode check = r.path("extra").path("events_check").path("result");
        assertThat(r.path("extra").path("events_check").path("verdict").asText()).as(check.toPrettyString())
                .startsWith("OK");
        assertThat(check.path("expectedTasks").asLong()).isEqualTo(16);
        assertThat(r.path("extra").path("delivery_latency_ms").path("count").asLong()).isEqualTo(3 * 16);
    }

    @Test
    void scaleSpreadsFiftyGuestsOverThreeHosts() throws Exception {
        LoadTest lt = run("scale", "--target", "http://127.0.0.1:" + node.apiPort(), "--password",
                "loadtest-password", "--clients", "4", "--guests", "50", "--hosts", "3", "--duration", "2s",
                "--warmup", "0s", "--out", dir.resolve("scale").toString());
        JsonNode r = Report.JSON.readTree(lt.resultFile.toFile());
        assertThat(r.path("errors").asLong()).as(r.toPrettyString()).isZero();
        assertThat(r.path("ops").asLong()).isPositive();
        JsonNode extra = r.path("extra");
        assertThat(extra.path("hosts_used").asInt()).as(extra.toPrettyString()).isEqualTo(3);
        assertThat(extra.path("create").path("ops").asLong()).isEqualTo(50);
        assertThat(extra.path("guests_listed_before_run").asInt()).isEqualTo(50);
        assertThat(extra.path("guests_per_host_max").asInt()).isEqualTo(17);
        assertThat(extra.path("memory").path("rss_mib").isNull()).isTrue();
        assertThat(extra.path("cold_start").path("reason").asText()).contains("--launch");
    }

    /**
     * The failover scenario's own path on one member: HA guests set up on the victim, the --kill command run,
     * and a guest that no survivor starts counted as not recovered once the recovery timeout has passed (a
     * lone member has nowhere to recover to, and {@code true} loses nothing); its guests are removed after.
     */
    @Test
    void failoverCountsGuestsNobodyRecoveredAndRemovesWhatItCreated() throws Exception {
        LoadTest lt = run("failover", "--target", "http://127.0.0.1:" + node.apiPort(), "--password",
                "loadtest-password", "--victim", "pve1", "--guests", "3", "--kill", "true",
                "--recovery-timeout", "2s", "--out", dir.resolve("failover").toString());
        JsonNode r = Report.JSON.readTree(lt.resultFile.toFile());
        JsonNode extra = r.path("extra");
        assertThat(extra.path("guests_on_victim").asInt()).as(r.toPrettyString()).isEqualTo(3);
        assertThat(extra.path("recovered").asInt()).isZero();
        assertThat(r.path("errors").asLong()).isEqualTo(3);
        assertThat(r.path("errors_by_kind").toString()).contains("not-recovered");

        var system = org.apache.pekko.actor.ActorSystem.create("check");
        ApiClient api = new ApiClient(system, "http://127.0.0.1:" + node.apiPort(), false, 1);
        try {
            api.login("root@pam", "loadtest-password").toCompletableFuture().get();
            JsonNode resources = api.get("/cluster/ha/resources").toCompletableFuture().get();
            assertThat(resources.findValuesAsText("sid")).as("HA resources left behind").isEmpty();
        } finally {
            api.close();
            system.terminate();
        }
    }

    @Test
    void failoverWithoutAVictimOrAKillCommandIsRefused() {
        LoadTest command = new LoadTest(new PrintStream(new ByteArrayOutputStream(), true), System.err);
        int exit = new CommandLine(command).execute("failover", "--target", "http://127.0.0.1:1", "--victim", "n3");
        assertThat(exit).isEqualTo(2);
    }
}
