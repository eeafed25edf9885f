package org.fabricve.persistence.view;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.fabricve.persistence.EventFeed;
import org.fabricve.persistence.JournalTail;

/** Builds the {@link ClusterView} from the journal and keeps it folded up to the head. */
public final class ClusterViewUpdater {

    /** How many of the newest events the tail keeps in memory for event-stream subscribers. */
    static final int RECENT_EVENTS = 10_000;

    private ClusterViewUpdater() {}

    /** The view and the member's one journal tail, which feeds the view first and then the subscribers. */
    public record ReadSide(ClusterView view, JournalTail tail) {}

    /**
     * Folds the whole history into a new view, then starts the journal tail after it. The stage completes
     * once the history that existed at start-up is in.
     */
    public static CompletionStage<ReadSide> start(ActorSystem<?> system, EventFeed feed) {
        ClusterView view = new ClusterView();
        return feed.current(0)
                .runWith(Sink.foreach(view::apply), system)
                .thenApply(done -> new ReadSide(view,
                        JournalTail.start(system, feed, view.offset(), RECENT_EVENTS, view::apply)));
    }
}
