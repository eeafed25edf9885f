package org.fabricve.persistence;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.apache.pekko.persistence.query.PersistenceQuery;

/**
 * Creates the journal's tables when they are missing (idempotent), for the store the actor system was
 * configured with: the journal, snapshot and tag tables in H2; on Cassandra the keyspaces and tables of
 * pekko-persistence-cassandra (created by its session at first connection, {@code *-autocreate = on}).
 */
public final class JournalSchema {

    private JournalSchema() {}

    /** Blocks: call it at start-up, before any entity recovers and before the read side queries. */
    public static void ensure(ActorSystem<?> system, Duration timeout) {
        String store = JournalConfig.storeName(system.settings().config());
        try {
            var done = switch (store) {
                case "cassandra" -> PersistenceQuery.get(system)
                        .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier())
                        .initialize();
                default -> SchemaUtils.createIfNotExists("jdbc-journal", system);
            };
            done.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the " + store + " journal did not answer within " + timeout.toSeconds()
                    + " s" + where(system, store), e);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("could not create the journal schema" + where(system, store) + ": "
                    + cause.getMessage(), cause);
        }
    }

    private static String where(ActorSystem<?> system, String store) {
        var config = system.settings().config();
        return store.equals("cassandra") && config.hasPath("datastax-java-driver.basic.contact-points")
                ? " (Cassandra at " + String.join(", ", config.getStringList("datastax-java-driver.basic.contact-points"))
                        + ", keyspace " + config.getString("pekko.persistence.cassandra.journal.keyspace") + ")"
                : "";
    }
}
