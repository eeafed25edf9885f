package org.fabricve.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuorumTest {

    static NodeList members(int n, int simulatedPerMember) {
        NodeList list = NodeList.EMPTY;
        for (int i = 1; i <= n; i++) {
            List<String> hosted = new ArrayList<>();
            for (int h = 2; h <= simulatedPerMember + 1; h++) {
                hosted.add("m" + i + "-" + h);
            }
            ClusterNode m = ClusterNode.member("m" + i, "10.0.0." + i + ":25520", null);
            list = list.evolveAll(((ClusterDecision.Accept) list.register(m, hosted, i)).events());
        }
        return list;
    }

    static Set<String> firstMembers(int k) {
        Set<String> s = new HashSet<>();
        for (int i = 1; i <= k; i++) {
            s.add("m" + i);
        }
        return s;
    }

    @Test
    void neededVotesAreFloorHalfPlusOne() {
        assertThat(Quorum.needed(0)).isEqualTo(1);
        assertThat(Quorum.needed(1)).isEqualTo(1);
        assertThat(Quorum.needed(2)).isEqualTo(2);
        assertThat(Quorum.needed(3)).isEqualTo(2);
        assertThat(Quorum.needed(4)).isEqualTo(3);
        assertThat(Quorum.needed(5)).isEqualTo(3);
        assertThat(Quorum.needed(20)).isEqualTo(11);
    }

    @Test
    void everySizeUpToFortyIsQuorateExactlyFromAMajority() {
        for (int n = 1; n <= 40; n++) {
            NodeList list = members(n, 0);
            for (int k = 0; k <= n; k++) {
                Quorum q = Quorum.of(list, firstMembers(k));
                assertThat(q.expectedVotes()).isEqualTo(n);
                assertThat(q.reachableVotes()).isEqualTo(k);
                assertThat(q.quorate()).as("%d of %d", k, n).isEqualTo(2 * k > n);
            }
        }
    }

    @Test
    void twoMembersAloneAreNeverQuorateAfterOneFails() {
        NodeList two = members(2, 0);
        assertThat(Quorum.of(two, Set.of("m1", "m2")).quorate()).isTrue();
        assertThat(Quorum.of(two, Set.of("m1")).quorate()).isFalse();
        assertThat(Quorum.of(two, Set.of("m2")).quorate()).isFalse();
        assertThat(Quorum.of(two, Set.of("m1")).explanation()).contains("1 of 2 votes, 2 needed");
    }

    @Test
    void twentyMembersSurviveNineFailures() {
        NodeList twenty = members(20, 0);
        assertThat(Quorum.of(twenty, firstMembers(11)).quorate()).isTrue();
        assertThat(Quorum.of(twenty, firstMembers(10)).quorate()).isFalse();
    }

    @Test
    void simulatedHostsAddNoVotes() {
        NodeList list = members(3, 5);
        assertThat(list.nodes()).hasSize(18);
        Quorum q = Quorum.of(list, Set.of("m1"));
        assertThat(q.expectedVotes()).isEqualTo(3);
        assertThat(q.reachableVotes()).isEqualTo(1);
        assertThat(q.quorate()).isFalse();
        assertThat(Quorum.of(list, Set.of("m1", "m3")).quorate()).isTrue();
    }

    @Test
    void anEmptyListIsNeverQuorateAndUnknownMembersDoNotCount() {
        assertThat(Quorum.of(NodeList.EMPTY, Set.of("m1")).quorate()).isFalse();
        assertThat(Quorum.of(members(3, 0), Set.of("x", "y", "m1")).quorate()).isFalse();
    }

    @Test
    void anOperatorAddedNodeThatHasNotJoinedYetRaisesTheVotesNeeded() {
        NodeList one = members(1, 0);
        assertThat(Quorum.of(one, Set.of("m1")).quorate()).isTrue();
        NodeList announced = one.evolveAll(((ClusterDecision.Accept) one.add(
                ClusterNode.member("m2", "10.0.0.2:25520", null), 2)).events());
        assertThat(Quorum.of(announced, Set.of("m1")).quorate()).isFalse();
    }
}
