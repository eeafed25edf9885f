package org.fabricve.persistence;

import com.datastax.oss.driver.api.core.uuid.Uuids;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
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

    /** How far back a reader of an empty journal starts: covers members whose clocks are behind this one. */
    static final Duration EMPTY_JOURNAL_LOOKBACK = Duration.ofHours(1);

    private final CassandraReadJournal readJournal;
    private final String tagTable;
    private final OrdinalOffsets offsets = new OrdinalOffsets(STRIDE, MAX_CHECKPOINTS);

    CassandraEventFeed(ActorSystem<?> system) {
        this.readJournal = PersistenceQuery.get(system)
                .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
        var config = system.settings().config();
        this.tagTable = config.getString("pekko.persistence.cassandra.journal.keyspace") + "."
                + config.getString("pekko.persistence.cassandra.events-by-tag.table");
    }

    @Override
    public Source<JournalEvent, NotUsed> live(long afterId) {
        OrdinalOffsets.Anchor from = anchor(afterId);
        return numbered(start(from).flatMapConcat(o -> readJournal.eventsByTag(FabricTags.ALL, o)), from, afterId);
    }

    @Override
    public Source<JournalEvent, NotUsed> current(long afterId) {
        OrdinalOffsets.Anchor from = anchor(afterId);
        return numbered(start(from).flatMapConcat(o -> readJournal.currentEventsByTag(FabricTags.ALL, o)), from,
                afterId);
    }

    /** The offset to query from: the anchor's, or for the very beginning, the tag's first time bucket. */
    private Source<Offset, NotUsed> start(OrdinalOffsets.Anchor anchor) {
        if (anchor.ordinal() > 0) {
            return Source.single(Offset.timeBasedUUID(anchor.offset()));
        }
        return Source.completionStage(firstBucket()).mapMaterializedValue(x -> NotUsed.getInstance());
    }

    /**
     * Where the tag's first event can be: just before its first time bucket (the partitions of the tag
     * table, listed with SELECT DISTINCT, one row per tag and hour), or an hour back when it has none yet.
     * A plain NoOffset query would instead read every hour from {@code first-time-bucket} on, one query each
     * (some 8,000 a year), which made a member's start take tens of seconds. Falls back to NoOffset when
     * the table cannot be listed.
     */
    private CompletionStage<Offset> firstBucket() {
        return readJournal.session().selectAll("SELECT DISTINCT tag_name, timebucket FROM " + tagTable)
                .thenApply(rows -> {
                    long first = rows.stream().filter(r -> FabricTags.ALL.equals(r.getString("tag_name")))
                            .mapToLong(r -> r.getLong("timebucket")).min()
                            .orElse(System.currentTimeMillis() - EMPTY_JOURNAL_LOOKBACK.toMillis());
                    return Offset.timeBasedUUID(Uuids.startOf(first - 1));
                })
                .exceptionally(e -> Offset.noOffset());
    }

    private synchronized OrdinalOffsets.Anchor anchor(long afterId) {
        return offsets.atOrBefore(afterId);
    }

    private synchronized void remember(long ordinal, TimeBasedUUID offset) {
        offsets.record(ordinal, offset.value());
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

    @Override
    public Source<Object, NotUsed> currentEventsOf(String persistenceId) {
        return readJournal.currentEventsByPersistenceId(persistenceId, 0L, Long.MAX_VALUE).map(EventEnvelope::event);
    }
}
