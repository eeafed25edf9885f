package org.fabricve.ha.lease;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The manager's collection of acceptors' answers to closing one node generation: the generation is proven
 * fenced once a majority of the voting members' acceptors reported at least the fence bound of silence.
 * Pure; the manager's shell keeps one per node it is fencing.
 */
public record FenceQuorum(String node, long generation, Map<String, Long> silentByMember) {

    public FenceQuorum {
        silentByMember = Map.copyOf(silentByMember);
    }

    public static FenceQuorum open(String node, long generation) {
        return new FenceQuorum(node, generation, Map.of());
    }

    /** Records an acceptor's latest answer (a later answer of the same member replaces the earlier). */
    public FenceQuorum answered(String member, long silentMillis) {
        Map<String, Long> m = new TreeMap<>(silentByMember);
        m.put(member, silentMillis);
        return new FenceQuorum(node, generation, m);
    }

    /** Whether a majority of {@code voters} each reported at least {@code fenceBoundMillis} of silence. */
    public boolean proven(Collection<String> voters, long fenceBoundMillis) {
        long enough = voters.stream().filter(v -> silentByMember.getOrDefault(v, -1L) >= fenceBoundMillis).count();
        return !voters.isEmpty() && enough >= majority(voters.size());
    }

    /** floor(n/2)+1, the cluster's quorum (the same votes as membership quorum). */
    public static int majority(int voters) {
        return voters / 2 + 1;
    }
}
