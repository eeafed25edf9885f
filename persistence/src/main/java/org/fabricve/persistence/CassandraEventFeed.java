package org.fabricve.persistence;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.TimeBasedUUID;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The event feed on the Cassandra journal. Cassandra orders a tag's events by time-UUID, which is no
 * number, so an event's id here is its ordinal in the tag stream: 1 for the first event, 2 for the next,
 * in the journal's time-UUID order. That order is the same on every member and across restarts (within
 * the eventual-consistency window; see docs/design-decisions.md), so ids are stable resume points like the
 * H2 ids. To serve "the events after id N" without reading from the first event every time, the feed
 * remembers the offsets of every so many ordinals it has seen ({@link OrdinalOffsets}) and resumes from
 * the nearest one at or before N, skipping the few events in between.
 */
public final class CassandraEventFeed implements EventFeed {

    /** Checkpoint spacing and count: 64k checkpoints cover 16M events at the start, with doubling after. */
    static final long STRIDE = 256;
    static final int MAX_CHECKPOINTS = 65_536;

    private final CassandraReadJournal readJournal;
    private final OrdinalOffsets offsets = new OrdinalOffsets(STRIDE, MAX_CHECKPOINTS);

    CassandraEventFeed(ActorSystem<?> system) {
        this.readJournal = PersistenceQuery.get(system)
                .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    }

    @Override
    public Source<JournalEvent, NotUsed> live(long afterId) {
        OrdinalOffsets.Anchor from = anchor(afterId);
        return numbered(readJournal.eventsByTag(FabricTags.ALL, offset(from)), from, afterId);
    }

    @Override
    public Source<JournalEvent, NotUsed> current(long afterId) {
        OrdinalOffsets.Anchor from = anchor(afterId);
        return numbered(readJournal.currentEventsByTag(FabricTags.ALL, offset(from)), from, afterId);
    }

    private synchronized OrdinalOffsets.Anchor anchor(long afterId) {
        return offsets.atOrBefore(afterId);
    }

    private synchronized void remember(long ordinal, TimeBasedUUID offset) {
        offsets.record(ordinal, offset.value());
    }

    private static Offset offset(OrdinalOffsets.Anchor anchor) {
        return anchor.ordinal() == 0 ? Offset.noOffset() : Offset.timeBasedUUID(anchor.offset());
    }

    /** Numbers the events after the anchor, remembers their offsets, and drops those up to {@code afterId}. */
    private Source<JournalEvent, NotUsed> numbered(Source<EventEnvelope, NotUsed> envelopes,
                                                   OrdinalOffsets.Anchor from, long afterId) {
        return envelopes.zipWithIndex()
                .map(p -> {
                    long ordinal = from.ordinal() + 1 + p.second();
                    EventEnvelope e = p.first();
                    if (e.offset() instanceof TimeBasedUUID uuid) {
                        remember(ordinal, uuid);
                    }
                    return new JournalEvent(ordinal, e.persistenceId(), e.sequenceNr(), e.timestamp(), e.event());
                })
                .dropWhile(e -> e.id() <= afterId);
    }
}
