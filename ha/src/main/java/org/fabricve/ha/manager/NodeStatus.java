package org.fabricve.ha.manager;

/**
 * The manager's record of one node. {@code lastSeen} is the manager's clock when it last accepted a lease
 * renewal of {@code generation}; {@code fencedThrough} is the highest generation known to hold no guests
 * any more (its lease provably ran out, it restarted with a newer generation, or it released its lease).
 * A renewal of a generation up to {@code fencedThrough} is refused: that node must fence itself first.
 * {@code lostGeneration} is the generation the node had when it entered FENCE: the one to prove fenced.
 */
public record NodeStatus(NodeState state, long lastSeen, long generation, long fencedThrough, long lostGeneration,
                         LrmMode mode, boolean released) {

    public static NodeStatus unseen(long now) {
        return new NodeStatus(NodeState.UNKNOWN, now, -1, -1, -1, LrmMode.ACTIVE, false);
    }

    public NodeStatus withState(NodeState s) {
        long lost = s == NodeState.FENCE && state != NodeState.FENCE ? generation : lostGeneration;
        return new NodeStatus(s, lastSeen, generation, fencedThrough, lost, mode, released);
    }

    public NodeStatus seen(long now, long gen, LrmMode m, boolean rel) {
        return new NodeStatus(state, now, gen, fencedThrough, lostGeneration, m, rel);
    }

    public NodeStatus withLastSeen(long now) {
        return new NodeStatus(state, now, generation, fencedThrough, lostGeneration, mode, released);
    }

    public NodeStatus fencedThrough(long gen) {
        return new NodeStatus(state, lastSeen, generation, Math.max(fencedThrough, gen), lostGeneration, mode, released);
    }

    /** The lease of this generation is valid as far as the manager knows, and renewed recently. */
    public boolean alive(long now, HaTimings t) {
        return generation >= 0 && generation > fencedThrough && !released && now - lastSeen <= t.onlineTimeoutMillis();
    }

    /** Renewals have stopped for longer than the online timeout, or the generation is over. */
    public boolean lost(long now, HaTimings t) {
        return !alive(now, t) && (now - lastSeen > t.onlineTimeoutMillis() || released
                || (generation >= 0 && generation <= fencedThrough));
    }
}
