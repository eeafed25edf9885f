package org.fabricve.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class OrdinalOffsetsTest {

    /** A version-1 UUID whose timestamp is {@code t} (100 ns units), like Cassandra's timeuuid offsets. */
    static UUID at(long t) {
        long msb = ((t & 0xFFFFFFFFL) << 32) | (((t >>> 32) & 0xFFFFL) << 16) | 0x1000L | ((t >>> 48) & 0x0FFFL);
        return new UUID(msb, 0x8000000000000000L);
    }

    @Test
    void resumesFromTheNearestCheckpointAtOrBefore() {
        OrdinalOffsets o = new OrdinalOffsets(10, 100);
        assertThat(o.atOrBefore(5)).isEqualTo(OrdinalOffsets.Anchor.START);
        for (long n = 1; n <= 35; n++) {
            o.record(n, at(1000 + n));
        }
        assertThat(at(1007).timestamp()).isEqualTo(1007);
        assertThat(o.atOrBefore(9)).isEqualTo(OrdinalOffsets.Anchor.START);
        assertThat(o.atOrBefore(10)).isEqualTo(new OrdinalOffsets.Anchor(10, at(1010)));
        assertThat(o.atOrBefore(27)).isEqualTo(new OrdinalOffsets.Anchor(20, at(1020)));
        assertThat(o.atOrBefore(35)).as("the newest is remembered too").isEqualTo(new OrdinalOffsets.Anchor(35, at(1035)));
        assertThat(o.atOrBefore(1_000)).isEqualTo(new OrdinalOffsets.Anchor(35, at(1035)));
    }

    @Test
    void staysBoundedByDoublingTheStride() {
        OrdinalOffsets o = new OrdinalOffsets(1, 8);
        for (long n = 1; n <= 1_000; n++) {
            o.record(n, at(n));
        }
        assertThat(o.size()).isLessThanOrEqualTo(8);
        assertThat(o.stride()).isEqualTo(128);
        assertThat(o.atOrBefore(700).ordinal()).isEqualTo(640);
    }

    @Test
    void ignoresAnEventDeliveredOutOfTimeOrder() {
        OrdinalOffsets o = new OrdinalOffsets(2, 100);
        o.record(1, at(10));
        o.record(2, at(20));
        o.record(3, at(15)); // found late by the query: resuming from it would repeat event 2
        o.record(4, at(40));
        assertThat(o.atOrBefore(3)).isEqualTo(new OrdinalOffsets.Anchor(2, at(20)));
        assertThat(o.atOrBefore(4)).isEqualTo(new OrdinalOffsets.Anchor(4, at(40)));
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new OrdinalOffsets(0, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
