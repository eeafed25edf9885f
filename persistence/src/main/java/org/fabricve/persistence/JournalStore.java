package org.fabricve.persistence;

/**
 * Where a member keeps the fabric's history. An embedded H2 file is one node's disk, so only a cluster of
 * one may use it; members of a larger cluster share a Cassandra journal.
 */
public sealed interface JournalStore permits JournalStore.EmbeddedH2, JournalStore.Cassandra,
        JournalStore.SharedMemoryH2 {

    /** The command-line name of the store ({@code --store}). */
    String name();

    /** The embedded H2 file database in the data directory: the single-node default. */
    record EmbeddedH2() implements JournalStore {
        @Override
        public String name() {
            return "h2";
        }
    }

    /** A Cassandra cluster reached through one contact point. */
    record Cassandra(String host, int port) implements JournalStore {
        public Cassandra {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("the Cassandra contact point needs a host");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("Cassandra port " + port + " is out of range 1-65535");
            }
        }

        @Override
        public String name() {
            return "cassandra";
        }
    }

    /**
     * TEST ONLY: an in-memory H2 database shared by every member in one JVM ({@code jdbc:h2:mem:NAME}), so that
     * in-JVM multi-member tests have one journal before a Cassandra node is at hand. It may cluster because
     * all its members share the one database; it dies with the JVM. Not selectable from the command line.
     */
    record SharedMemoryH2(String database) implements JournalStore {
        public SharedMemoryH2 {
            if (database == null || !database.matches("[A-Za-z0-9_]+")) {
                throw new IllegalArgumentException("the shared in-memory database needs a plain name, not '"
                        + database + "'");
            }
        }

        @Override
        public String name() {
            return "h2-memory:" + database;
        }
    }
}
