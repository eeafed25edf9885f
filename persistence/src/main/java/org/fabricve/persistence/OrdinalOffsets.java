package org.fabricve.persistence;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Where to resume a Cassandra tag stream for a given event id. On Cassandra an event's id is its ordinal
 * in the tag stream (1, 2, 3 ... in the journal's time-UUID order), and Cassandra can only resume from a
 * time-UUID offset; this remembers the offset of every {@code stride}-th ordinal (and of the newest one),
 * so that "the events after id N" starts at most {@code stride} events before N instead of at the first
 * event. Bounded: when it would hold more than {@code maxEntries} checkpoints it doubles its stride and
 * forgets every other one, so coverage stays even over the whole history. Not thread-safe.
 */
final class OrdinalOffsets {

    /** An ordinal and the time-UUID offset of that event; ordinal 0 means "before the first event". */
    record Anchor(long ordinal, UUID offset) {
        static final Anchor START = new Anchor(0, null);
    }

    private final int maxEntries;
    private long stride;
    private final TreeMap<Long, UUID> checkpoints = new TreeMap<>();
    private Anchor newest = Anchor.START;

    OrdinalOffsets(long stride, int maxEntries) {
        if (stride < 1 || maxEntries < 2) {
            throw new IllegalArgumentException("stride must be positive and maxEntries at least 2");
        }
        this.stride = stride;
        this.maxEntries = maxEntries;
    }

    /**
     * Notes that the event with this ordinal has this offset. Offsets must grow with ordinals: a pair that
     * would break that (an event delivered late, out of time-UUID order) is not remembered, since
     * resuming from it would deliver again events that came before it.
     */
    void record(long ordinal, UUID offset) {
        if (ordinal < 1) {
            return;
        }
        Map.Entry<Long, UUID> below = checkpoints.lowerEntry(ordinal);
        if (below != null && below.getValue().timestamp() > offset.timestamp()) {
            return;
        }
        if (ordinal > newest.ordinal()) {
            if (newest.ordinal() > 0 && newest.offset().timestamp() > offset.timestamp()) {
                return;
            }
            newest = new Anchor(ordinal, offset);
        }
        if (ordinal % stride == 0) {
            checkpoints.put(ordinal, offset);
            if (checkpoints.size() > maxEntries) {
                stride *= 2;
                checkpoints.keySet().removeIf(o -> o % stride != 0);
            }
        }
    }

    /** The latest known anchor at or before {@code ordinal}; {@link Anchor#START} when none is known. */
    Anchor atOrBefore(long ordinal) {
        if (ordinal >= newest.ordinal() && newest.ordinal() > 0) {
            return newest;
        }
        Map.Entry<Long, UUID> e = checkpoints.floorEntry(ordinal);
        return e == null ? Anchor.START : new Anchor(e.getKey(), e.getValue());
    }

    Optional<Anchor> newest() {
        return newest.ordinal() == 0 ? Optional.empty() : Optional.of(newest);
    }

    long stride() {
        return stride;
    }

    int size() {
        return checkpoints.size();
    }
}
