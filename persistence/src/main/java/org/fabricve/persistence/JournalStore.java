package org.fabricve.persistence;

/**
 * Where a member keeps the fabric's history. An embedded H2 file is one node's disk, so only a cluster of
 * one may use it; members of a larger cluster share a Cassandra journal.
 */
public sealed interface JournalStore permits JournalStore.EmbeddedH2, JournalStore.Cassandra {

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
}
