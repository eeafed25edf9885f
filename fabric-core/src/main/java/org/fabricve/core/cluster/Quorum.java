package org.fabricve.core.cluster;

import java.util.Set;

/**
 * Whether a member may write, as corosync's votequorum decides it: the configured node list is the vote base
 * ("expected votes"), and a member is quorate when the voting members it can reach, itself included, hold at
 * least {@code floor(expected / 2) + 1} votes. Two members therefore need both (2 / 2 + 1 = 2): after one fails
 * the other is read-only, which is what keeps a two-node cluster from splitting into two writers.
 *
 * @param expectedVotes  votes of every configured member, reachable or not
 * @param reachableVotes votes of the configured members this member reaches now (itself included)
 * @param neededVotes    {@code floor(expectedVotes / 2) + 1}
 */
public record Quorum(int expectedVotes, int reachableVotes, int neededVotes, boolean quorate) {

    public static int needed(int expectedVotes) {
        return expectedVotes / 2 + 1;
    }

    /** The quorum of a member that reaches the members named in {@code reachableMembers} (itself included). */
    public static Quorum of(NodeList nodes, Set<String> reachableMembers) {
        int expected = 0;
        int reachable = 0;
        for (ClusterNode n : nodes.nodes()) {
            expected += n.votes();
            if (reachableMembers.contains(n.member())) {
                reachable += n.votes();
            }
        }
        int needed = needed(expected);
        return new Quorum(expected, reachable, needed, reachable >= needed);
    }

    /** Why writes are refused, for the 503 answer and the log. */
    public String explanation() {
        return "cluster not ready - no quorum: this member reaches " + reachableVotes + " of " + expectedVotes
                + " votes, " + neededVotes + " needed";
    }
}
