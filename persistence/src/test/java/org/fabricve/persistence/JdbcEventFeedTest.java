package org.fabricve.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The H2 feed on a real (in-memory) journal: order, completion of {@code current}, and a hole in the ordering. */
class JdbcEventFeedTest {

    private static final String URL = InMemoryH2Journal.url("feed");
    private static ActorSystem<Void> system;

    @BeforeAll
    static void start() {
        system = InMemoryH2Journal.start("feed");
    }

    @AfterAll
    static void stop() throws Exception {
        InMemoryH2Journal.stop(system);
    }

    @Test
    void currentReadsWhatExistsInOrderAndLivePassesOverAPermanentHole() throws Exception {
        ActorRef<TaggedWriter.Command> writer = system.systemActorOf(TaggedWriter.create("f1"), "writer-f1",
                Props.empty());
        TaggedWriter.write(system, writer, 1, 20);
        EventFeed feed = EventFeed.of(system);

        List<JournalEvent> existing = feed.current(0).runWith(Sink.seq(), system).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        assertThat(existing).extracting(JournalEvent::sequenceNr)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
        assertThat(existing).extracting(JournalEvent::id).isSorted().doesNotHaveDuplicates();
        assertThat(existing.get(0).event()).isInstanceOf(org.fabricve.core.storage.StorageEvent.StorageDefined.class);
        // a hole that never fills: the 5th event's row is gone (as after a rolled-back insert)
        long fifth = existing.get(4).id();
        try (Connection c = DriverManager.getConnection(URL, "sa", ""); Statement s = c.createStatement()) {
            s.executeUpdate("delete from \"event_tag\" where \"event_id\" = " + fifth);
            assertThat(s.executeUpdate("delete from \"event_journal\" where \"ordering\" = " + fifth)).isEqualTo(1);
        }
        var live = feed.live(existing.get(2).id()).take(18).runWith(Sink.seq(), system);
        TaggedWriter.write(system, writer, 21, 22);
        List<JournalEvent> after = live.toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(after).extracting(JournalEvent::sequenceNr).containsExactlyElementsOf(
                LongStream.rangeClosed(4, 22).filter(n -> n != 5).boxed().toList());
    }
}
