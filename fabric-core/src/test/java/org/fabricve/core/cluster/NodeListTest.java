package org.fabricve.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.fabricve.core.guest.Rejection;
import org.junit.jupiter.api.Test;

class NodeListTest {

    static final ClusterNode PVE1 = ClusterNode.member("pve1", "10.0.0.1:25520", "10.0.0.1:8006");
    static final ClusterNode PVE2 = ClusterNode.member("pve2", "10.0.0.2:25520", "10.0.0.2:8006");
    static final ClusterNode PVE3 = ClusterNode.member("pve3", "10.0.0.3:25520", "10.0.0.3:8006");

    static NodeList apply(NodeList list, ClusterDecision decision) {
        assertThat(decision).isInstanceOf(ClusterDecision.Accept.class);
        return list.evolveAll(((ClusterDecision.Accept) decision).events());
    }

    static Rejection rejection(ClusterDecision decision) {
        assertThat(decision).isInstanceOf(ClusterDecision.Reject.class);
        return ((ClusterDecision.Reject) decision).rejection();
    }

    static NodeList three() {
        NodeList list = apply(NodeList.EMPTY, NodeList.EMPTY.register(PVE1, List.of(), 1));
        list = apply(list, list.register(PVE2, List.of(), 2));
        return apply(list, list.register(PVE3, List.of(), 3));
    }

    @Test
    void theFirstMemberBootstrapsTheListWithItselfAndNodeidOne() {
        NodeList list = apply(NodeList.EMPTY, NodeList.EMPTY.register(PVE1, List.of(), 7));
        assertThat(list.nodes()).containsExactly(PVE1.withNodeid(1));
        assertThat(list.members()).hasSize(1);
    }

    @Test
    void registeringAgainUnchangedYieldsNoEvents() {
        NodeList list = three();
        assertThat(list.register(PVE2, List.of(), 9)).isEqualTo(ClusterDecision.accept(List.of()));
    }

    @Test
    void aMemberBackOnOtherAddressesRecordsThemAndKeepsItsNodeid() {
        NodeList list = three();
        ClusterNode moved = ClusterNode.member("pve2", "10.0.0.9:25521", "10.0.0.9:8007");
        NodeList after = apply(list, list.register(moved, List.of(), 9));
        assertThat(after.node("pve2").orElseThrow())
                .isEqualTo(new ClusterNode("pve2", 2, "pve2", "10.0.0.9:25521", "10.0.0.9:8007", 1));
    }

    @Test
    void simulatedHostsAreListedWithoutVotesAndLeaveWhenTheirMemberDropsThem() {
        NodeList list = apply(NodeList.EMPTY, NodeList.EMPTY.register(PVE1, List.of("pve1-2", "pve1-3"), 1));
        assertThat(list.nodes()).extracting(ClusterNode::name).containsExactly("pve1", "pve1-2", "pve1-3");
        assertThat(list.node("pve1-2").orElseThrow().votes()).isZero();
        assertThat(list.node("pve1-2").orElseThrow().member()).isEqualTo("pve1");
        assertThat(list.members()).extracting(ClusterNode::name).containsExactly("pve1");
        NodeList fewer = apply(list, list.register(PVE1, List.of("pve1-2"), 2));
        assertThat(fewer.nodes()).extracting(ClusterNode::name).containsExactly("pve1", "pve1-2");
    }

    @Test
    void aMemberCannotClaimAnotherMembersName() {
        NodeList list = apply(NodeList.EMPTY, NodeList.EMPTY.register(PVE1, List.of("pve1-2"), 1));
        ClusterNode impostor = ClusterNode.member("pve1-2", "10.0.0.5:25520", "10.0.0.5:8006");
        assertThat(rejection(list.register(impostor, List.of(), 2)).kind()).isEqualTo(Rejection.Kind.CONFLICT);
        assertThat(rejection(list.register(PVE2, List.of("pve1"), 2)).message()).contains("already belongs");
    }

    @Test
    void registerRefusesNonMembersAndBadEntries() {
        ClusterNode hosted = ClusterNode.hostedBy(PVE1, "pve1-2");
        assertThat(rejection(NodeList.EMPTY.register(hosted, List.of(), 1)).param()).isEqualTo("member");
        ClusterNode badAddress = ClusterNode.member("pve1", "nowhere", "10.0.0.1:8006");
        assertThat(rejection(NodeList.EMPTY.register(badAddress, List.of(), 1)).param()).isEqualTo("address");
        assertThat(rejection(NodeList.EMPTY.register(PVE1, List.of("-bad"), 1)).param()).isEqualTo("node");
    }

    @Test
    void addAssignsTheNextNodeidAndRefusesANodeTwice() {
        NodeList list = apply(NodeList.EMPTY, NodeList.EMPTY.register(PVE1, List.of(), 1));
        NodeList two = apply(list, list.add(PVE2, 2));
        assertThat(two.node("pve2").orElseThrow().nodeid()).isEqualTo(2);
        Rejection twice = rejection(two.add(PVE2, 3));
        assertThat(twice.kind()).isEqualTo(Rejection.Kind.CONFLICT);
        assertThat(twice.message()).contains("pve2").contains("already exists");
    }

    @Test
    void addRefusesBadNamesAddressesAndVotesNamingTheParameter() {
        assertThat(rejection(NodeList.EMPTY.add(ClusterNode.member("bad_name", "h:1", null), 1)).param())
                .isEqualTo("node");
        assertThat(rejection(NodeList.EMPTY.add(ClusterNode.member("-x", "h:1", null), 1)).param()).isEqualTo("node");
        assertThat(rejection(NodeList.EMPTY.add(ClusterNode.member("a".repeat(64), "h:1", null), 1)).param())
                .isEqualTo("node");
        assertThat(rejection(NodeList.EMPTY.add(ClusterNode.member("n", "h:0", null), 1)).param()).isEqualTo("address");
        assertThat(rejection(NodeList.EMPTY.add(ClusterNode.member("n", "h:70000", null), 1)).param())
                .isEqualTo("address");
        assertThat(rejection(NodeList.EMPTY.add(ClusterNode.member("n", "h:x", null), 1)).param()).isEqualTo("address");
        assertThat(rejection(NodeList.EMPTY.add(ClusterNode.member("n", ":25520", null), 1)).param())
                .isEqualTo("address");
        assertThat(rejection(NodeList.EMPTY.add(ClusterNode.member("n", "h h:1", null), 1)).param())
                .isEqualTo("address");
        assertThat(rejection(NodeList.EMPTY.add(ClusterNode.member("n", "h:1", "api"), 1)).param()).isEqualTo("api");
        assertThat(rejection(NodeList.EMPTY.add(new ClusterNode("n", 0, "n", "h:1", null, 2), 1)).param())
                .isEqualTo("votes");
        assertThat(rejection(NodeList.EMPTY.add(new ClusterNode("n", 0, "m", "h:1", null, 1), 1)).param())
                .isEqualTo("votes");
    }

    @Test
    void addAcceptsIpv6AndHostNames() {
        assertThat(NodeList.EMPTY.add(ClusterNode.member("n", "[fd00::1]:25520", "node.example.org:8006"), 1))
                .isInstanceOf(ClusterDecision.Accept.class);
    }

    @Test
    void addRefusesASecondMemberOnTheSameClusterAddress() {
        NodeList list = three();
        Rejection r = rejection(list.add(ClusterNode.member("pve4", "10.0.0.1:25520", null), 1));
        assertThat(r.param()).isEqualTo("address");
        assertThat(r.message()).contains("pve1");
    }

    @Test
    void aSimulatedHostNeedsAnExistingMember() {
        NodeList list = three();
        assertThat(rejection(list.add(new ClusterNode("sim", 0, "pve9", "h:1", null, 0), 1)).param())
                .isEqualTo("member");
        assertThat(list.add(ClusterNode.hostedBy(PVE2, "pve2-2"), 1)).isInstanceOf(ClusterDecision.Accept.class);
    }

    @Test
    void removeRefusesTheLocalNodeUnknownNodesAndOnlineNodes() {
        NodeList list = three();
        Rejection local = rejection(list.remove("pve1", "pve1", Set.of(), 1));
        assertThat(local.kind()).isEqualTo(Rejection.Kind.CONFLICT);
        assertThat(local.message()).contains("this member");
        Rejection unknown = rejection(list.remove("pve9", "pve1", Set.of(), 1));
        assertThat(unknown.kind()).isEqualTo(Rejection.Kind.NOT_FOUND);
        Rejection online = rejection(list.remove("pve2", "pve1", Set.of("pve1", "pve2"), 1));
        assertThat(online.kind()).isEqualTo(Rejection.Kind.CONFLICT);
        assertThat(online.message()).contains("still online");
        assertThat(rejection(list.remove("no_such", "pve1", Set.of(), 1)).param()).isEqualTo("node");
    }

    @Test
    void removeRefusesTheLocalMembersSimulatedHosts() {
        NodeList list = apply(NodeList.EMPTY, NodeList.EMPTY.register(PVE1, List.of("pve1-2"), 1));
        assertThat(rejection(list.remove("pve1-2", "pve1", Set.of(), 1)).message()).contains("this member");
    }

    @Test
    void removingAnOfflineMemberTakesItsSimulatedHostsAlong() {
        NodeList list = three();
        list = apply(list, list.register(PVE2, List.of("pve2-2"), 4));
        NodeList after = apply(list, list.remove("pve2", "pve1", Set.of("pve1", "pve3"), 5));
        assertThat(after.nodes()).extracting(ClusterNode::name).containsExactly("pve1", "pve3");
    }

    @Test
    void anOfflineSimulatedHostAloneCanBeRemoved() {
        NodeList list = three();
        list = apply(list, list.register(PVE2, List.of("pve2-2"), 4));
        NodeList after = apply(list, list.remove("pve2-2", "pve1", Set.of("pve1", "pve3"), 5));
        assertThat(after.nodes()).extracting(ClusterNode::name).containsExactly("pve1", "pve2", "pve3");
    }

    @Test
    void nodeidsAreNeverReusedWhileHigherOnesExist() {
        NodeList list = three();
        list = apply(list, list.remove("pve2", "pve1", Set.of(), 5));
        list = apply(list, list.add(ClusterNode.member("pve4", "10.0.0.4:25520", null), 6));
        assertThat(list.node("pve4").orElseThrow().nodeid()).isEqualTo(4);
    }
}
