package org.fabricve.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecentEventsTest {

    private static JournalEvent event(long id) {
        return new JournalEvent(id, "Guest|" + id, 1, 0, "e" + id);
    }

    private static List<Long> ids(List<JournalEvent> events) {
        return events.stream().map(JournalEvent::id).toList();
    }

    @Test
    void answersFromMemoryWhileItHoldsEverythingAfterTheCursor() {
        RecentEvents recent = new RecentEvents(3, 10);
        assertThat(recent.after(10, 100)).hasValue(List.of());
        recent.append(event(11));
        recent.append(event(13));
        assertThat(recent.after(10, 100).map(RecentEventsTest::ids)).hasValue(List.of(11L, 13L));
        assertThat(recent.after(11, 100).map(RecentEventsTest::ids)).hasValue(List.of(13L));
        assertThat(recent.after(13, 100)).hasValue(List.of());
        assertThat(recent.after(9, 100)).as("before the start: read the journal").isEmpty();
    }

    @Test
    void evictionMovesWhatItCovers() {
        RecentEvents recent = new RecentEvents(2, 0);
        for (long id = 1; id <= 5; id++) {
            recent.append(event(id));
        }
        assertThat(recent.after(2, 100)).as("event 3 was evicted").isEmpty();
        assertThat(recent.after(3, 100).map(RecentEventsTest::ids)).hasValue(List.of(4L, 5L));
        assertThat(recent.newestId()).isEqualTo(5);
    }

    @Test
    void batchesAreBoundedAndRepeatsIgnored() {
        RecentEvents recent = new RecentEvents(10, 0);
        for (long id = 1; id <= 6; id++) {
            recent.append(event(id));
        }
        recent.append(event(4));
        assertThat(recent.after(0, 4).map(RecentEventsTest::ids)).hasValue(List.of(1L, 2L, 3L, 4L));
        assertThat(recent.after(4, 4).map(RecentEventsTest::ids)).hasValue(List.of(5L, 6L));
    }
}
