package org.fabricve.persistence.view;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.fabricve.persistence.EventFeed;

/** Keeps a {@link ClusterView} folded up to the journal's head. */
public final class ClusterViewUpdater {

    private ClusterViewUpdater() {}

    /**
     * Folds the whole history into the view, then keeps tailing the journal (restarting the tail with
     * backoff if the database fails). The stage completes once the history that existed at start-up is in.
     */
    public static CompletionStage<ClusterView> start(ActorSystem<?> system, EventFeed feed) {
        ClusterView view = new ClusterView();
        return feed.current(view.offset())
                .runWith(Sink.foreach(view::apply), system)
                .thenApply(done -> {
                    tail(system, feed, view);
                    return view;
                });
    }

    private static void tail(ActorSystem<?> system, EventFeed feed, ClusterView view) {
        RestartSettings backoff = RestartSettings.create(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2);
        // each restart resumes after what the view has already folded, so nothing is applied twice
        RestartSource.withBackoff(backoff, () -> feed.live(view.offset()))
                .runWith(Sink.foreach(view::apply), system);
    }

}
