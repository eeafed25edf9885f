package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.fabricve.app.ClusterFormation.Decision;
import org.junit.jupiter.api.Test;

class ClusterFormationTest {

    static final Address N1 = member(25521);
    static final Address N2 = member(25522);
    static final Address N3 = member(25523);

    static Address member(int port) {
        return new Address("pekko", "fabric", "10.0.0.1", port);
    }

    @Test
    void aRunningMemberIsJoinedAtOnceWhateverTheOthersSay() {
        var formation = new ClusterFormation(N1, List.of(N2, N3));
        assertThat(formation.decide(Map.of(N2, false, N3, true), false)).isEqualTo(new Decision.JoinRunning(List.of(N3)));
    }

    @Test
    void nobodyFormsBeforeTheRunningMembersHadTimeToAnswer() {
        var formation = new ClusterFormation(N1, List.of(N2, N3));
        assertThat(formation.decide(Map.of(N2, false), false)).isInstanceOf(Decision.Wait.class);
    }

    @Test
    void aMemberAloneWaitsEvenWithTheLowestAddressAndSaysWhatItNeeds() {
        for (Address self : List.of(N1, N2)) {
            Decision d = new ClusterFormation(self, List.of(N1, N2, N3)).decide(Map.of(), true);
            assertThat(d).isInstanceOfSatisfying(Decision.Wait.class, w ->
                    assertThat(w.why()).contains("1 of the 3").contains("2 are needed"));
        }
    }

    @Test
    void twoOfThreeFormWithoutTheLowestAndTheLowerOfThemFormsIt() {
        // N1 stays away (cut off, or its host is gone): N2 and N3 regain quorum between them
        assertThat(new ClusterFormation(N2, List.of(N1, N3)).decide(Map.of(N3, false), true))
                .isInstanceOf(Decision.Form.class);
        assertThat(new ClusterFormation(N3, List.of(N1, N2)).decide(Map.of(N2, false), true))
                .isInstanceOfSatisfying(Decision.Wait.class, w -> assertThat(w.why()).startsWith(N2 + " forms"));
    }

    @Test
    void whenTheLowestIsStartingTooItFormsAndTheOthersWaitForIt() {
        assertThat(new ClusterFormation(N2, List.of(N1, N3)).decide(Map.of(N1, false, N3, false), true))
                .isInstanceOfSatisfying(Decision.Wait.class, w -> assertThat(w.why()).startsWith(N1 + " forms"));
        assertThat(new ClusterFormation(N1, List.of(N2, N3)).decide(Map.of(N2, false, N3, false), true))
                .isInstanceOf(Decision.Form.class);
    }

    @Test
    void halfOfAnEvenClusterIsNotAMajority() {
        Address n4 = member(25524);
        // N1 and N2 of four, N3 and N4 away: two are not a majority of four, though N1 has the lowest address
        assertThat(new ClusterFormation(N1, List.of(N2, N3, n4)).decide(Map.of(N2, false), true))
                .isInstanceOf(Decision.Wait.class);
        assertThat(new ClusterFormation(N1, List.of(N2, N3, n4)).decide(Map.of(N2, false, n4, false), true))
                .isInstanceOf(Decision.Form.class);
    }

    @Test
    void itselfAndUnknownAnswersDoNotCount() {
        var formation = new ClusterFormation(N3, List.of(N1, N2, N3));
        assertThat(formation.others()).containsExactly(N1, N2);
        Address stranger = member(26000);
        assertThat(formation.decide(Map.of(stranger, true, N3, true), true)).isInstanceOf(Decision.Wait.class);
    }

    @Test
    void aMemberWhoseRecordedMajorityRunsInAnotherClusterIsApart() {
        var formation = new ClusterFormation(N1, List.of(N2, N3));

        assertThat(formation.apart(Set.of(N1), Map.of(N2, true, N3, true))).get(STRING)
                .contains("2 of the 3 recorded members run in another cluster");
        assertThat(formation.holdsMajority(Set.of(N1))).isFalse();
    }

    @Test
    void oneMemberElsewhereOrMembersStartingOrMembersOfOurOwnClusterAreNotApart() {
        var formation = new ClusterFormation(N1, List.of(N2, N3));

        assertThat(formation.apart(Set.of(N1), Map.of(N2, true))).as("one of three is no majority").isEmpty();
        assertThat(formation.apart(Set.of(N1), Map.of(N2, false, N3, false))).as("starting, not running").isEmpty();
        assertThat(formation.apart(Set.of(N1, N2), Map.of(N2, true, N3, true))).as("N2 is ours").isEmpty();
        assertThat(formation.holdsMajority(Set.of(N1, N2))).isTrue();
    }
}
