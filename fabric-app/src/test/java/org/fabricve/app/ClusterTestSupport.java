package org.fabricve.app;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fabricve.persistence.JournalAudit;
import org.fabricve.persistence.JournalStore;
import org.fabricve.persistence.testkit.TestCassandra;

/** The multi-process cluster tests' journal: a Cassandra of their own, reachable from the lab's namespaces. */
final class ClusterTestSupport {

    private ClusterTestSupport() {}

    static Path repo() {
        return TestCassandra.repo();
    }

    static Path cassandraDir() {
        return repo().resolve("data/cluster-test-cassandra");
    }

    /**
     * Starts (afresh) a Cassandra listening on the lab's cluster bridge, so members in their namespaces reach
     * it, and a partition cuts a member from the journal as it would on real hosts. Needs the lab up.
     */
    static JournalStore.Cassandra cassandraForNamespaces() {
        return TestCassandra.startInstance(cassandraDir(), NetLab.JOURNAL_HOST);
    }

    static void stopCassandra() {
        TestCassandra.stopInstance(cassandraDir());
    }

    /** Drops a run's keyspaces, so the instance, kept between runs, does not pile them up. Best effort. */
    static void dropKeyspace(JournalStore.Cassandra store, String keyspace) {
        try (CqlSession session = session(store)) {
            session.execute("DROP KEYSPACE IF EXISTS " + keyspace);
            session.execute("DROP KEYSPACE IF EXISTS " + keyspace + "_snapshot");
        } catch (RuntimeException e) {
            System.err.println("could not drop keyspace " + keyspace + ": " + e);
        }
    }

    private static CqlSession session(JournalStore.Cassandra store) {
        return CqlSession.builder().addContactPoint(new InetSocketAddress(store.host(), store.port()))
                .withLocalDatacenter("datacenter1")
                .withConfigLoader(com.datastax.oss.driver.api.core.config.DriverConfigLoader.programmaticBuilder()
                        .withDuration(com.datastax.oss.driver.api.core.config.DefaultDriverOption.REQUEST_TIMEOUT,
                                java.time.Duration.ofSeconds(30)).build())
                .build();
    }

    /**
     * Every mark of two live incarnations in the keyspace: the journal's rows audited per entity (gapless,
     * writers taking turns once), and the tag view, which keeps both copies of a sequence number written twice
     * (the journal's primary key would silently keep one).
     */
    static List<String> journalViolations(JournalStore.Cassandra store, String keyspace) {
        try (CqlSession session = session(store)) {
            List<JournalAudit.Row> rows = new ArrayList<>();
            for (Row r : session.execute("SELECT persistence_id, sequence_nr, writer_uuid FROM " + keyspace + ".messages")) {
                rows.add(new JournalAudit.Row(r.getString(0), r.getLong(1), r.getString(2)));
            }
            List<String> found = new ArrayList<>(JournalAudit.violations(rows));
            if (rows.isEmpty()) {
                found.add("the journal of keyspace " + keyspace + " is empty: nothing was audited");
            }
            Map<String, String> tagged = new HashMap<>();
            for (Row r : session.execute("SELECT persistence_id, sequence_nr, writer_uuid FROM " + keyspace + ".tag_views")) {
                String key = r.getString(0) + "#" + r.getLong(1);
                String previous = tagged.put(key, r.getString(2));
                if (previous != null) {
                    found.add(key + " is in the tag view twice (writers " + previous + " and " + r.getString(2) + ")");
                }
            }
            return found;
        }
    }
}
