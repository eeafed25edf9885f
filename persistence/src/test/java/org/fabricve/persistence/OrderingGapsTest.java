package org.fabricve.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrderingGapsTest {

    private static final long TIMEOUT = 400;

    @Test
    void contiguousRowsAreAllDelivered() {
        OrderingGaps.Step step = OrderingGaps.none().next(10, new long[] {11, 12, 13}, 0, TIMEOUT);
        assertThat(step.deliver()).isEqualTo(3);
        assertThat(step.cursor()).isEqualTo(13);
        assertThat(step.gaps().gaps()).isEmpty();
    }

    @Test
    void aYoungHoleStopsDeliveryBeforeIt() {
        OrderingGaps.Step step = OrderingGaps.none().next(10, new long[] {11, 13, 14}, 1_000, TIMEOUT);
        assertThat(step.deliver()).isEqualTo(1);
        assertThat(step.cursor()).isEqualTo(11);
        assertThat(step.gaps().gaps()).containsExactly(new OrderingGaps.Gap(12, 12, 1_000));
    }

    @Test
    void aHoleThatFillsInIsDeliveredInOrder() {
        OrderingGaps waiting = OrderingGaps.none().next(10, new long[] {12}, 1_000, TIMEOUT).gaps();
        OrderingGaps.Step step = waiting.next(10, new long[] {11, 12}, 1_100, TIMEOUT);
        assertThat(step.deliver()).isEqualTo(2);
        assertThat(step.cursor()).isEqualTo(12);
        assertThat(step.gaps().gaps()).isEmpty();
    }

    @Test
    void aHoleIsPassedOverOnceItOutlivesTheTimeoutCountedFromWhenItWasFirstSeen() {
        OrderingGaps first = OrderingGaps.none().next(10, new long[] {13}, 1_000, TIMEOUT).gaps();
        OrderingGaps.Step stillYoung = first.next(10, new long[] {13, 14}, 1_399, TIMEOUT);
        assertThat(stillYoung.deliver()).isZero();
        assertThat(stillYoung.cursor()).isEqualTo(10);

        OrderingGaps.Step old = stillYoung.gaps().next(10, new long[] {13, 14}, 1_400, TIMEOUT);
        assertThat(old.deliver()).isEqualTo(2);
        assertThat(old.cursor()).isEqualTo(14);
        assertThat(old.gaps().gaps()).isEmpty();
    }

    @Test
    void aPartlyFilledHoleKeepsItsAgeAndANewHoleBehindItStartsItsOwn() {
        OrderingGaps first = OrderingGaps.none().next(10, new long[] {14}, 1_000, TIMEOUT).gaps();
        // 12 arrived; 11 and 13 are still missing, as old as the hole 11..13; 16 opens a new hole (15) at 1_300
        OrderingGaps.Step step = first.next(10, new long[] {12, 14, 16}, 1_300, TIMEOUT);
        assertThat(step.deliver()).isZero();
        assertThat(step.gaps().gaps()).containsExactly(new OrderingGaps.Gap(11, 11, 1_000),
                new OrderingGaps.Gap(13, 13, 1_000), new OrderingGaps.Gap(15, 15, 1_300));

        OrderingGaps.Step later = step.gaps().next(10, new long[] {12, 14, 16}, 1_450, TIMEOUT);
        assertThat(later.deliver()).as("11 and 13 are old now, 15 is not").isEqualTo(2);
        assertThat(later.cursor()).isEqualTo(14);
        assertThat(later.gaps().gaps()).containsExactly(new OrderingGaps.Gap(15, 15, 1_300));
    }

    @Test
    void anEmptyReadKeepsWhatIsKnown() {
        OrderingGaps waiting = OrderingGaps.none().next(10, new long[] {12}, 1_000, TIMEOUT).gaps();
        OrderingGaps.Step step = waiting.next(10, new long[0], 1_100, TIMEOUT);
        assertThat(step.deliver()).isZero();
        assertThat(step.cursor()).isEqualTo(10);
        assertThat(step.gaps()).isEqualTo(waiting);
    }
}
