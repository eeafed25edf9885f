package org.fabricve.loadtest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Proves that no event-stream subscriber missed or duplicated an event. Each subscriber's ids are compared with
 * what the journal holds (a reference reading of the same range, taken after the run): every journal id must
 * arrive exactly once and in order. On top of that, every task the writer saw finish must reach every
 * subscriber as exactly one TaskFinished event carrying its UPID.
 */
public final class EventChecker {

    /** What one subscriber received, in arrival order. */
    private final Map<Integer, Received> subscribers = new ConcurrentHashMap<>();

    private static final class Received {
        final List<Long> ids = new ArrayList<>();
        final Map<String, Integer> finishedUpids = new HashMap<>();
    }

    /** One problem found, for the report. */
    public record Problem(int subscriber, String kind, String detail) {}

    public record Result(int subscribers, long referenceEvents, long expectedTasks, long eventsReceived,
                         long missing, long duplicated, long outOfOrder, long unexpected, long tasksMissing,
                         long tasksDuplicated, List<Problem> problems) {
        public boolean ok() {
            return missing == 0 && duplicated == 0 && outOfOrder == 0 && unexpected == 0 && tasksMissing == 0
                    && tasksDuplicated == 0;
        }
    }

    /** Subscriber {@code subscriber} received event {@code id}; {@code finishedUpid} is the UPID of a TaskFinished event, else null. */
    public void received(int subscriber, long id, String finishedUpid) {
        Received r = subscribers.computeIfAbsent(subscriber, s -> new Received());
        synchronized (r) {
            r.ids.add(id);
            if (finishedUpid != null) {
                r.finishedUpids.merge(finishedUpid, 1, Integer::sum);
            }
        }
    }

    /** Registers a subscriber that may have received nothing at all (so that it is checked too). */
    public void subscribed(int subscriber) {
        subscribers.computeIfAbsent(subscriber, s -> new Received());
    }

    /** The highest id any subscriber has received (0 when none). */
    public long maxReceived() {
        long max = 0;
        for (Received r : subscribers.values()) {
            synchronized (r) {
                for (long id : r.ids) {
                    max = Math.max(max, id);
                }
            }
        }
        return max;
    }

    /** Whether every subscriber has received at least {@code count} events. */
    public boolean allReceivedAtLeast(long count) {
        for (Received r : subscribers.values()) {
            synchronized (r) {
                if (r.ids.size() < count) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Checks every subscriber against {@code journalIds} (the ids the journal holds in the observed range, in
     * order) and {@code expectedUpids} (tasks known to have finished during the run).
     */
    public Result verify(List<Long> journalIds, Collection<String> expectedUpids) {
        return verify(journalIds, expectedUpids, Long.MAX_VALUE);
    }

    /** As {@link #verify(List, Collection)}, ignoring events after {@code upTo} (the end of the range checked). */
    public Result verify(List<Long> journalIds, Collection<String> expectedUpids, long upTo) {
        Set<Long> reference = new HashSet<>(journalIds);
        List<Problem> problems = new ArrayList<>();
        long missing = 0, duplicated = 0, outOfOrder = 0, unexpected = 0, tasksMissing = 0, tasksDuplicated = 0,
                received = 0;
        Map<Integer, Received> sorted = new LinkedHashMap<>();
        subscribers.keySet().stream().sorted().forEach(k -> sorted.put(k, subscribers.get(k)));
        for (Map.Entry<Integer, Received> entry : sorted.entrySet()) {
            int s = entry.getKey();
            Received r = entry.getValue();
            synchronized (r) {
                received += r.ids.size();
                Set<Long> seen = new HashSet<>();
                long previous = Long.MIN_VALUE;
                for (long id : r.ids) {
                    if (id > upTo) {
                        continue;
                    }
                    if (!seen.add(id)) {
                        duplicated++;
                        note(problems, s, "duplicate", "event " + id + " delivered again");
                    } else if (!reference.contains(id)) {
                        unexpected++;
                        note(problems, s, "unexpected", "event " + id + " is not in the journal range checked");
                    }
                    if (id <= previous) {
                        outOfOrder++;
                        note(problems, s, "out-of-order", "event " + id + " after " + previous);
                    }
                    previous = Math.max(previous, id);
                }
                for (long id : journalIds) {
                    if (!seen.contains(id)) {
                        missing++;
                        note(problems, s, "missing", "journal event " + id + " never delivered");
                    }
                }
                for (String upid : expectedUpids) {
                    int n = r.finishedUpids.getOrDefault(upid, 0);
                    if (n == 0) {
                        tasksMissing++;
                        note(problems, s, "task-missing", "no TaskFinished for " + upid);
                    } else if (n > 1) {
                        tasksDuplicated++;
                        note(problems, s, "task-duplicated", n + " TaskFinished events for " + upid);
                    }
                }
            }
        }
        return new Result(sorted.size(), journalIds.size(), expectedUpids.size(), received, missing, duplicated,
                outOfOrder, unexpected, tasksMissing, tasksDuplicated, List.copyOf(problems));
    }

    private static void note(List<Problem> problems, int subscriber, String kind, String detail) {
        if (problems.size() < 50) {
            problems.add(new Problem(subscriber, kind, detail));
        }
    }
}
