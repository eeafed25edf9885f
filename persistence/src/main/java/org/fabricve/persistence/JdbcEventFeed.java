package org.fabricve.persistence;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.javadsl.Source;
import scala.concurrent.ExecutionContextExecutor;

/**
 * The event feed on the JDBC journal (embedded H2): the id is the journal's global ordering column. The feed
 * polls the journal by ordering ({@link JdbcJournalRows}, see there why not the plugin's tag query), waits for
 * holes in the ordering as the plugin does ({@link OrderingGaps}), and deserializes with Pekko's serialization.
 */
public final class JdbcEventFeed implements EventFeed {

    static final int BATCH = 500;

    private final ActorSystem<?> system;
    private final JdbcReadJournal readJournal;
    private final JdbcJournalRows rows;
    private final Serialization serialization;
    private final ExecutionContextExecutor blocking;
    private final Duration refresh;
    private final long gapTimeoutNanos;

    JdbcEventFeed(ActorSystem<?> system) {
        this.system = system;
        this.readJournal = PersistenceQuery.get(system)
                .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
        var config = system.settings().config().getConfig("jdbc-read-journal");
        var classic = Adapter.toClassic(system);
        this.rows = new JdbcJournalRows(((SlickExtensionImpl) SlickExtension.get(classic)).database(config)
                .database().source());
        this.serialization = SerializationExtension.get(classic);
        this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
        this.refresh = config.getDuration("refresh-interval");
        Duration queryDelay = config.getDuration("journal-sequence-retrieval.query-delay");
        this.gapTimeoutNanos = queryDelay.multipliedBy(config.getInt("journal-sequence-retrieval.max-tries")).toNanos();
    }

    @Override
    public Source<JournalEvent, NotUsed> live(long afterId) {
        return read(Math.max(0, afterId), Long.MAX_VALUE);
    }

    @Override
    public Source<JournalEvent, NotUsed> current(long afterId) {
        return Source.completionStage(onBlocking(rows::maxOrdering))
                .flatMapConcat(max -> read(Math.max(0, afterId), max));
    }

    /** The events after {@code afterId} up to ordering {@code upTo}, polling while none are there. */
    private Source<JournalEvent, NotUsed> read(long afterId, long upTo) {
        return Source.unfoldAsync(new Position(afterId, OrderingGaps.none()), p -> p.cursor() >= upTo
                        ? CompletableFuture.completedFuture(Optional.<Pair<Position, List<JournalEvent>>>empty())
                        : poll(p, upTo).thenApply(Optional::of))
                .mapConcat(batch -> batch);
    }

    private record Position(long cursor, OrderingGaps gaps) {}

    private CompletionStage<Pair<Position, List<JournalEvent>>> poll(Position p, long upTo) {
        return onBlocking(() -> rows.after(p.cursor(), upTo, BATCH)).thenCompose(read -> {
            long[] orderings = read.stream().mapToLong(JdbcJournalRows.Row::ordering).toArray();
            OrderingGaps.Step step = p.gaps().next(p.cursor(), orderings, System.nanoTime(), gapTimeoutNanos);
            List<JournalEvent> events = read.subList(0, step.deliver()).stream()
                    .filter(r -> !r.deleted())
                    .map(this::toJournalEvent)
                    .toList();
            Pair<Position, List<JournalEvent>> next = Pair.create(new Position(step.cursor(), step.gaps()), events);
            // nothing new (or only a hole to wait for): ask again after the refresh interval, as the plugin would
            return step.deliver() == 0
                    ? Patterns.after(refresh, Adapter.toClassic(system).scheduler(), blocking,
                            () -> CompletableFuture.completedFuture(next))
                    : CompletableFuture.completedFuture(next);
        });
    }

    private JournalEvent toJournalEvent(JdbcJournalRows.Row r) {
        Object event = serialization.deserialize(r.payload(), r.serializerId(), r.manifest()).get();
        return new JournalEvent(r.ordering(), r.persistenceId(), r.sequenceNr(), r.writeTimestamp(), event);
    }

    private interface Blocking<T> {
        T call() throws Exception;
    }

    private <T> CompletionStage<T> onBlocking(Blocking<T> query) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return query.call();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, (Executor) blocking);
    }

    @Override
    public Source<Object, NotUsed> currentEventsOf(String persistenceId) {
        return readJournal.currentEventsByPersistenceId(persistenceId, 0L, Long.MAX_VALUE).map(EventEnvelope::event);
    }
}
