package org.fabricve.persistence;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The fabric's event history read from the journal, in one order that every member sees alike, each event
 * with a {@code long} id that grows along it (the event stream's event id, the read model's offset).
 * One implementation per journal store: {@link JdbcEventFeed} (H2: the journal's global ordering column)
 * and {@link CassandraEventFeed} (the event's ordinal in the tag stream).
 */
public sealed interface EventFeed permits JdbcEventFeed, CassandraEventFeed {

    /** Every event after {@code afterId}, then new ones as they are written; never completes. */
    Source<JournalEvent, NotUsed> live(long afterId);

    /** Every event after {@code afterId} that exists now; completes. */
    Source<JournalEvent, NotUsed> current(long afterId);

    /** Every event of one entity that exists now, in its order; completes. */
    Source<Object, NotUsed> currentEventsOf(String persistenceId);

    /** The feed of the store this actor system was configured with ({@link JournalConfig}). */
    static EventFeed of(ActorSystem<?> system) {
        return switch (JournalConfig.storeName(system.settings().config())) {
            case "cassandra" -> new CassandraEventFeed(system);
            default -> new JdbcEventFeed(system);
        };
    }
}
