package org.fabricve.persistence.testkit;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.fabricve.persistence.JournalConfig;
import org.fabricve.persistence.JournalStore;

/**
 * The real Cassandra node of a test run, shared by every test class and module (persistence's test-jar):
 * the first caller runs {@code scripts/cassandra.sh start} with test settings (instance in
 * {@code data/test-cassandra}, free ports picked by the script, fast-start flags); the script's start is
 * idempotent, so later callers, in this JVM or another module's, reuse the running node. Each test class
 * takes a keyspace of its own ({@link #keyspace}) and may drop it at the end ({@link #dropKeyspace}).
 *
 * <p>{@code FABRIC_TEST_CASSANDRA=HOST:PORT} uses a node that already runs instead. {@code ./fabric test}
 * stops the node it started when the run ends; a plain {@code mvn verify} leaves it running for the next
 * run ({@code FABRIC_CASSANDRA_DIR=data/test-cassandra scripts/cassandra.sh stop} stops it).
 */
public final class TestCassandra {

    private static JournalStore.Cassandra node;

    private TestCassandra() {}

    /** The contact point of the test node, started when it does not run yet. */
    public static synchronized JournalStore.Cassandra node() {
        if (node == null) {
            String given = System.getenv("FABRIC_TEST_CASSANDRA");
            node = given != null && !given.isBlank() ? parse(given.strip()) : start();
        }
        return node;
    }

    /**
     * A fresh keyspace name for one test class, and the config that points the journal at it. Its first
     * time bucket is two hours back: a from-the-beginning tag query then scans two buckets, not a year's.
     */
    public static Config keyspace(String keyspace) {
        String firstBucket = ZonedDateTime.now(ZoneOffset.UTC).minusHours(2).truncatedTo(ChronoUnit.HOURS)
                .format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm", Locale.ROOT));
        return JournalConfig.cassandraKeyspace(keyspace)
                .withFallback(ConfigFactory.parseMap(Map.of("pekko.persistence.cassandra.events-by-tag.first-time-bucket", firstBucket)));
    }

    /** A keyspace name unique to this run: the prefix and a random suffix. */
    public static String uniqueKeyspace(String prefix) {
        return prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + "_"
                + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    }

    /**
     * Drops the keyspace and its snapshot keyspace, so a reused test node does not accumulate them. Best
     * effort: a drop that fails (a busy node) is reported and left for the next run's fresh node.
     */
    public static void dropKeyspace(String keyspace) {
        JournalStore.Cassandra c = node();
        DriverConfigLoader slowDdl = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(60)).build();
        try (CqlSession session = CqlSession.builder()
                .addContactPoint(new InetSocketAddress(c.host(), c.port()))
                .withLocalDatacenter("datacenter1").withConfigLoader(slowDdl).build()) {
            for (String ks : List.of(keyspace, keyspace + "_snapshot")) {
                session.execute("DROP KEYSPACE IF EXISTS " + ks);
            }
        } catch (RuntimeException e) {
            System.err.println("test Cassandra: could not drop keyspace " + keyspace + ": " + e);
        }
    }

    private static JournalStore.Cassandra start() {
        return startInstance(repo().resolve("data/test-cassandra"), "127.0.0.1");
    }

    /**
     * A Cassandra instance of its own in {@code dir}, listening on {@code host} (free ports): for tests whose
     * members live in other network namespaces and cannot reach the shared node on loopback. Idempotent.
     */
    public static JournalStore.Cassandra startInstance(Path dir, String host) {
        Path repo = repo();
        Path log = null;
        try {
            log = Files.createTempFile("fabric-test-cassandra", ".out");
            ProcessBuilder pb = new ProcessBuilder("bash", repo.resolve("scripts/cassandra.sh").toString(), "start")
                    .redirectOutput(log.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().put("FABRIC_CASSANDRA_DIR", dir.toString());
            pb.environment().put("FABRIC_CASSANDRA_HOST", host);
            pb.environment().put("FABRIC_CASSANDRA_PORT", "0");
            pb.environment().put("FABRIC_CASSANDRA_STORAGE_PORT", "0");
            pb.environment().put("FABRIC_CASSANDRA_FAST", "1");
            long began = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("scripts/cassandra.sh start did not finish within 5 minutes");
            }
            List<String> out = Files.readAllLines(log, StandardCharsets.UTF_8);
            if (p.exitValue() != 0 || out.isEmpty()) {
                throw new IllegalStateException("scripts/cassandra.sh start failed (exit " + p.exitValue() + "): " + out);
            }
            JournalStore.Cassandra started = parse(out.get(out.size() - 1).strip());
            System.out.printf("test Cassandra at %s:%d (ready after %d ms)%n", started.host(), started.port(),
                    Duration.ofNanos(System.nanoTime() - began).toMillis());
            return started;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run scripts/cassandra.sh: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the test Cassandra", e);
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a temp file
                }
            }
        }
    }

    private static JournalStore.Cassandra parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("expected HOST:PORT, not '" + hostPort + "'");
        }
        return new JournalStore.Cassandra(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** Stops the instance in {@code dir} (scripts/cassandra.sh stop); quietly does nothing when none runs. */
    public static void stopInstance(Path dir) {
        try {
            ProcessBuilder pb = new ProcessBuilder("bash", repo().resolve("scripts/cassandra.sh").toString(), "stop")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("FABRIC_CASSANDRA_DIR", dir.toString());
            Process p = pb.start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run scripts/cassandra.sh stop: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The repository root (the folder holding ./fabric and scripts/). */
    public static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isRegularFile(p.resolve("fabric")) && Files.isRegularFile(p.resolve("scripts/cassandra.sh"))) {
                return p;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("no repository root (with ./fabric and scripts/cassandra.sh) above "
                + Path.of("").toAbsolutePath());
    }
}
