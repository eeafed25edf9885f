package org.fabricve.persistence;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.stream.javadsl.Source;

/** The event feed on the JDBC journal (embedded H2): the id is the journal's global ordering column. */
public final class JdbcEventFeed implements EventFeed {

    private final JdbcReadJournal readJournal;

    JdbcEventFeed(ActorSystem<?> system) {
        this.readJournal = PersistenceQuery.get(system)
                .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    }

    @Override
    public Source<JournalEvent, NotUsed> live(long afterId) {
        return readJournal.eventsByTag(FabricTags.ALL, offset(afterId)).map(JdbcEventFeed::toJournalEvent);
    }

    @Override
    public Source<JournalEvent, NotUsed> current(long afterId) {
        return readJournal.currentEventsByTag(FabricTags.ALL, offset(afterId)).map(JdbcEventFeed::toJournalEvent);
    }

    private static Offset offset(long afterId) {
        return afterId <= 0 ? Offset.noOffset() : Offset.sequence(afterId);
    }

    private static JournalEvent toJournalEvent(EventEnvelope envelope) {
        long id = envelope.offset() instanceof Sequence s ? s.value() : 0L;
        return new JournalEvent(id, envelope.persistenceId(), envelope.sequenceNr(), envelope.timestamp(),
                envelope.event());
    }

    @Override
    public Source<Object, NotUsed> currentEventsOf(String persistenceId) {
        return readJournal.currentEventsByPersistenceId(persistenceId, 0L, Long.MAX_VALUE).map(EventEnvelope::event);
    }
}
