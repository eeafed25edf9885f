package org.fabricve.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one switch between journal stores: the configuration a {@link JournalStore} needs, to layer over the
 * member's config (fabric.conf, which includes fabric-persistence.conf and fabric-cassandra.conf). It sets
 * {@code fabric.journal.store}, which {@link EventFeed#of} and {@link JournalSchema#ensure} read.
 */
public final class JournalConfig {

    public static final String STORE_KEY = "fabric.journal.store";

    private JournalConfig() {}

    /** The settings of {@code store}; {@code dataDir} holds the H2 database file. */
    public static Config forStore(JournalStore store, Path dataDir) {
        Map<String, Object> keys = new HashMap<>();
        keys.put(STORE_KEY, store.name());
        if (store instanceof JournalStore.Cassandra c) {
            keys.put("pekko.persistence.journal.plugin", "pekko.persistence.cassandra.journal");
            keys.put("pekko.persistence.snapshot-store.plugin", "pekko.persistence.cassandra.snapshot");
            keys.put("datastax-java-driver.basic.contact-points",
                    ConfigValueFactory.fromIterable(List.of(c.host() + ":" + c.port())));
        } else {
            keys.put("pekko.persistence.journal.plugin", "jdbc-journal");
            keys.put("pekko.persistence.snapshot-store.plugin", "jdbc-snapshot-store");
            // the URL itself: a substitution inside a library's reference.conf resolves before overrides.
            // WRITE_DELAY=0: H2 otherwise keeps commits in memory for up to a second, and a kill -9 would
            // lose events the API had already acknowledged (CrashDurabilityTest proves the difference).
            keys.put("pekko-persistence-jdbc.shared-databases.fabric.db.url",
                    store instanceof JournalStore.SharedMemoryH2 shared
                            ? "jdbc:h2:mem:" + shared.database() + ";DB_CLOSE_DELAY=-1"
                            : "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("db").resolve("fabric")
                                    + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        }
        return ConfigFactory.parseMap(keys);
    }

    /**
     * A keyspace of its own (and {@code <keyspace>_snapshot} for snapshots) on a shared Cassandra: for
     * tests, so that each test class starts from an empty journal.
     */
    public static Config cassandraKeyspace(String keyspace) {
        if (!keyspace.matches("[a-z][a-z0-9_]{0,40}")) {
            throw new IllegalArgumentException("keyspace '" + keyspace + "' must be lower-case letters, digits, '_'");
        }
        return ConfigFactory.parseMap(Map.of("pekko.persistence.cassandra.journal.keyspace", keyspace,
                "pekko.persistence.cassandra.snapshot.keyspace", keyspace + "_snapshot"));
    }

    /** The store a configuration was made for: "h2" (the default) or "cassandra". */
    public static String storeName(Config config) {
        return config.hasPath(STORE_KEY) ? config.getString(STORE_KEY) : "h2";
    }
}
