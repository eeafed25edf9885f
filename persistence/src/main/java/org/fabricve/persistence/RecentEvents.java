package org.fabricve.persistence;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The newest events of the journal, in order, bounded. It answers "everything after id X" when it still
 * holds all of it, and says so when it does not (then the caller reads the journal). Not thread-safe:
 * {@link JournalTail} guards it.
 */
final class RecentEvents {

    private final int capacity;
    private final ArrayDeque<JournalEvent> events = new ArrayDeque<>();
    /** Every event with an id above this one is held (or not yet written). */
    private long coversAfter;

    RecentEvents(int capacity, long startsAfter) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.coversAfter = startsAfter;
    }

    void append(JournalEvent event) {
        if (!events.isEmpty() && event.id() <= events.peekLast().id()) {
            return;
        }
        if (events.isEmpty() && event.id() <= coversAfter) {
            return;
        }
        events.addLast(event);
        while (events.size() > capacity) {
            coversAfter = events.removeFirst().id();
        }
    }

    /**
     * Up to {@code max} events after {@code afterId}, oldest first; empty when {@code afterId} lies before
     * what is held (read the journal instead). An empty list means: nothing newer yet.
     */
    Optional<List<JournalEvent>> after(long afterId, int max) {
        if (afterId < coversAfter) {
            return Optional.empty();
        }
        List<JournalEvent> out = new ArrayList<>();
        for (JournalEvent e : events) {
            if (e.id() > afterId) {
                out.add(e);
                if (out.size() == max) {
                    break;
                }
            }
        }
        return Optional.of(out);
    }

    long newestId() {
        return events.isEmpty() ? coversAfter : events.peekLast().id();
    }
}
