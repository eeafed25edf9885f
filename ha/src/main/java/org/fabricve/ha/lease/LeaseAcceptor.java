package org.fabricve.ha.lease;

import java.util.Map;
import java.util.TreeMap;
import org.fabricve.ha.manager.HaTimings;

/**
 * One member's lease acceptor, as pure functions over an immutable state (the standby acceptor that keeps
 * leases alive across a manager hand-over). Every member runs one; a node's agent holds its lease only while
 * a majority of the configured voting members' acceptors grant its renewals, and the manager treats a lost
 * node as fenced only when a majority of acceptors have closed its generation and each has been silent
 * towards it for the fence bound on its own clock. Any two majorities share an acceptor, so the node's last
 * lease was granted by one of the closers, at least the fence bound before: it ran out, its guests are dead.
 *
 * <p>All times are the acceptor's own monotonic clock. A fresh acceptor (a restarted member) has forgotten
 * its grants and closes, so it grants nothing for the first fence bound of its life and counts silence from
 * its start: whatever it granted before the restart has run out by then.
 */
public record LeaseAcceptor(long startedAt, Map<String, Grant> grants, Map<String, Long> closedThrough) {

    /** The last renewal granted to a node: its generation and when (own clock). */
    public record Grant(long generation, long at) {
    }

    /** The answer to a renewal: granted, or refused ({@code fenced}: the generation is over, fence now). */
    public record Answer(boolean granted, boolean fenced, String reason) {
    }

    public record Renewed(LeaseAcceptor state, Answer answer) {
    }

    public record Closed(LeaseAcceptor state, long silentMillis) {
    }

    public LeaseAcceptor {
        grants = Map.copyOf(grants);
        closedThrough = Map.copyOf(closedThrough);
    }

    public static LeaseAcceptor started(long now) {
        return new LeaseAcceptor(now, Map.of(), Map.of());
    }

    /** A renewal of {@code node}'s {@code generation}, arriving at {@code now}. */
    public Renewed renew(String node, long generation, long now, HaTimings t) {
        long closed = closedThrough.getOrDefault(node, -1L);
        if (generation <= closed) {
            return new Renewed(this, new Answer(false, true, "generation " + generation + " of node '" + node + "' is fenced"));
        }
        if (now - startedAt < t.fenceBoundMillis()) {
            return new Renewed(this, new Answer(false, false, "acceptor started less than the fence bound ago"));
        }
        Map<String, Grant> g = new TreeMap<>(grants);
        g.put(node, new Grant(generation, now));
        return new Renewed(new LeaseAcceptor(startedAt, g, closedThrough), new Answer(true, false, ""));
    }

    /**
     * The manager closes {@code node}'s generations up to {@code generation}: none of them is granted again.
     * Answers how long (own clock) no renewal has been granted to the node, counted from this acceptor's start
     * when it never granted one (a conservative answer, whatever the generation of the last grant).
     */
    public Closed close(String node, long generation, long now) {
        Map<String, Long> c = new TreeMap<>(closedThrough);
        c.merge(node, generation, Math::max);
        return new Closed(new LeaseAcceptor(startedAt, grants, c), silence(node, now));
    }

    /** How long (own clock) no renewal of any generation has been granted to {@code node}; changes nothing. */
    public long silence(String node, long now) {
        Grant last = grants.get(node);
        long since = last == null ? startedAt : Math.max(startedAt, last.at());
        return now - since;
    }
}
