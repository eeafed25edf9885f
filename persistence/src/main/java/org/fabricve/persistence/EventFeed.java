package org.fabricve.persistence;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.stream.javadsl.Source;

/** The fabric's event history read from the journal, in global order. */
public final class EventFeed {

    private final JdbcReadJournal readJournal;

    public EventFeed(ActorSystem<?> system) {
        this.readJournal = PersistenceQuery.get(system)
                .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    }

    /** Every event after {@code afterId}, then new ones as they are written; never completes. */
    public Source<JournalEvent, NotUsed> live(long afterId) {
        return readJournal.eventsByTag(FabricTags.ALL, offset(afterId)).map(EventFeed::toJournalEvent);
    }

    /** Every event after {@code afterId} that exists now; completes. */
    public Source<JournalEvent, NotUsed> current(long afterId) {
        return readJournal.currentEventsByTag(FabricTags.ALL, offset(afterId)).map(EventFeed::toJournalEvent);
    }

    private static Offset offset(long afterId) {
        return afterId <= 0 ? Offset.noOffset() : Offset.sequence(afterId);
    }

    private static JournalEvent toJournalEvent(EventEnvelope envelope) {
        long id = envelope.offset() instanceof Sequence s ? s.value() : 0L;
        return new JournalEvent(id, envelope.persistenceId(), envelope.sequenceNr(), envelope.timestamp(),
                envelope.event());
    }
}
