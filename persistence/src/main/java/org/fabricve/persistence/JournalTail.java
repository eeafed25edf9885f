package org.fabricve.persistence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * One reader of the journal's head for the whole member, however many subscribers there are: it keeps
 * the newest events in memory and wakes waiting subscribers. Each subscriber pulls at its own pace from
 * its own cursor, from memory while it can and from the journal when it has fallen further behind, so a
 * slow subscriber never holds up the others and none misses or repeats an event.
 */
public final class JournalTail {

    static final int BATCH = 512;

    private final ActorSystem<?> system;
    private final EventFeed feed;
    private final RecentEvents recent;
    private final List<CompletableFuture<Void>> waiting = new ArrayList<>();

    private JournalTail(ActorSystem<?> system, EventFeed feed, int capacity, long startsAfter) {
        this.system = system;
        this.feed = feed;
        this.recent = new RecentEvents(capacity, startsAfter);
    }

    /**
     * Starts tailing after {@code startsAfter}; {@code listener} sees every event first, in order (the read
     * model folds here). The tail restarts with backoff if the database fails, resuming where it was.
     */
    public static JournalTail start(ActorSystem<?> system, EventFeed feed, long startsAfter, int capacity,
                                    Consumer<JournalEvent> listener) {
        JournalTail tail = new JournalTail(system, feed, capacity, startsAfter);
        RestartSettings backoff = RestartSettings.create(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2);
        RestartSource.withBackoff(backoff, () -> feed.live(tail.newestId()))
                .runWith(Sink.foreach(e -> {
                    listener.accept(e);
                    tail.append(e);
                }), system);
        return tail;
    }

    private synchronized long newestId() {
        return recent.newestId();
    }

    /** The id of the newest event this member has read from the journal. */
    public long head() {
        return newestId();
    }

    private void append(JournalEvent event) {
        List<CompletableFuture<Void>> wake;
        synchronized (this) {
            recent.append(event);
            wake = new ArrayList<>(waiting);
            waiting.clear();
        }
        wake.forEach(f -> f.complete(null));
    }

    /** Every event after {@code afterId}, then new ones as they come; never completes. */
    public Source<JournalEvent, NotUsed> since(long afterId) {
        return Source.unfoldAsync(afterId, cursor -> next(cursor).thenApply(batch -> {
                    long last = batch.isEmpty() ? cursor : batch.get(batch.size() - 1).id();
                    return Optional.of(Pair.create(last, batch));
                }))
                .mapConcat(batch -> batch);
    }

    /** The next events after the cursor: from memory, else from the journal, else when the next one arrives. */
    private CompletionStage<List<JournalEvent>> next(long cursor) {
        CompletableFuture<Void> arrival;
        synchronized (this) {
            Optional<List<JournalEvent>> held = recent.after(cursor, BATCH);
            if (held.isEmpty()) {
                return feed.current(cursor).take(BATCH).runWith(Sink.seq(), system);
            }
            if (!held.get().isEmpty()) {
                return CompletableFuture.completedFuture(held.get());
            }
            arrival = new CompletableFuture<>();
            waiting.add(arrival);
        }
        return arrival.thenCompose(x -> next(cursor));
    }
}
