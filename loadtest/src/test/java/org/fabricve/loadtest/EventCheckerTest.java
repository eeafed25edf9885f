package org.fabricve.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventCheckerTest {

    // the journal range 11..16: 12 and 15 finish tasks A and B
    private static final List<Long> JOURNAL = List.of(11L, 12L, 13L, 14L, 15L, 16L);
    private static final List<String> TASKS = List.of("UPID:A", "UPID:B");

    private static void deliverAll(EventChecker c, int subscriber) {
        for (long id : JOURNAL) {
            c.received(subscriber, id, upid(id));
        }
    }

    private static String upid(long id) {
        return id == 12 ? "UPID:A" : id == 15 ? "UPID:B" : null;
    }

    @Test
    void everyEventOnceIsOk() {
        EventChecker c = new EventChecker();
        deliverAll(c, 0);
        deliverAll(c, 1);
        EventChecker.Result r = c.verify(JOURNAL, TASKS);
        assertThat(r.ok()).isTrue();
        assertThat(r.eventsReceived()).isEqualTo(12);
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void aDroppedEventIsCaught() {
        EventChecker c = new EventChecker();
        deliverAll(c, 0);
        for (long id : JOURNAL) {
            if (id != 15) { // subscriber 1 loses the event that finished task B
                c.received(1, id, upid(id));
            }
        }
        EventChecker.Result r = c.verify(JOURNAL, TASKS);
        assertThat(r.ok()).isFalse();
        assertThat(r.missing()).isEqualTo(1);
        assertThat(r.tasksMissing()).isEqualTo(1);
        assertThat(r.duplicated()).isZero();
        assertThat(r.problems()).extracting(EventChecker.Problem::subscriber).containsOnly(1);
        assertThat(r.problems()).extracting(EventChecker.Problem::kind).contains("missing", "task-missing");
    }

    @Test
    void aDuplicatedEventIsCaught() {
        EventChecker c = new EventChecker();
        deliverAll(c, 0);
        for (long id : List.of(11L, 12L, 12L, 13L, 14L, 15L, 16L)) { // 12 (task A) delivered twice
            c.received(1, id, upid(id));
        }
        EventChecker.Result r = c.verify(JOURNAL, TASKS);
        assertThat(r.ok()).isFalse();
        assertThat(r.duplicated()).isEqualTo(1);
        assertThat(r.tasksDuplicated()).isEqualTo(1);
        assertThat(r.outOfOrder()).isEqualTo(1);
        assertThat(r.missing()).isZero();
    }

    @Test
    void aSubscriberThatGotNothingMissesEverything() {
        EventChecker c = new EventChecker();
        deliverAll(c, 0);
        c.subscribed(1);
        EventChecker.Result r = c.verify(JOURNAL, TASKS);
        assertThat(r.missing()).isEqualTo(6);
        assertThat(r.tasksMissing()).isEqualTo(2);
    }

    @Test
    void eventsBeyondTheCheckedRangeAreIgnoredAndGapsInTheJournalAreNotLosses() {
        EventChecker c = new EventChecker();
        List<Long> withGap = List.of(11L, 12L, 14L); // 13 never committed (the journal has a gap)
        for (long id : List.of(11L, 12L, 14L, 17L)) {
            c.received(0, id, upid(id));
        }
        EventChecker.Result r = c.verify(withGap, List.of("UPID:A"), 14);
        assertThat(r.ok()).isTrue();
    }

    @Test
    void anEventTheJournalDoesNotHoldIsUnexpected() {
        EventChecker c = new EventChecker();
        for (long id : List.of(11L, 12L, 13L)) {
            c.received(0, id, upid(id));
        }
        EventChecker.Result r = c.verify(List.of(11L, 12L), List.of(), 13);
        assertThat(r.unexpected()).isEqualTo(1);
        assertThat(r.ok()).isFalse();
    }
}
