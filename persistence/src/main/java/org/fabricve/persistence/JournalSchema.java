package org.fabricve.persistence;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;

/** Creates the journal, snapshot and tag tables when they are missing (idempotent). */
public final class JournalSchema {

    private JournalSchema() {}

    /** Blocks: call it at start-up, before any entity recovers. */
    public static void ensure(ActorSystem<?> system, Duration timeout) {
        try {
            SchemaUtils.createIfNotExists("jdbc-journal", system).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create the journal schema: " + e.getMessage(), e);
        }
    }
}
