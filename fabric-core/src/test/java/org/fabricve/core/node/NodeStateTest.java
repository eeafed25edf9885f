package org.fabricve.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.fabricve.core.hypervisor.HostInfo;
import org.junit.jupiter.api.Test;

class NodeStateTest {

    private static final HostInfo HOST = new HostInfo("pve1", 8, 16L << 30, "EPYC");

    @Test
    void emptyHasNoHostAndNoForeignDomains() {
        NodeState s = NodeState.empty("pve1");
        assertThat(s.node()).isEqualTo("pve1");
        assertThat(s.host()).isNull();
        assertThat(s.foreignDomains()).isEmpty();
    }

    @Test
    void theFirstRegistrationIsRecorded() {
        NodeState s = NodeState.empty("pve1");
        NodeEvent e = s.register(HOST, 10).orElseThrow();
        assertThat(e).isEqualTo(new NodeEvent.NodeRegistered("pve1", HOST, 10));
        NodeState after = s.apply(e);
        assertThat(after).isEqualTo(new NodeState("pve1", HOST, Set.of()));
    }

    @Test
    void theSameHostAgainIsNotRecorded() {
        NodeState s = NodeState.empty("pve1").apply(new NodeEvent.NodeRegistered("pve1", HOST, 10));
        assertThat(s.register(new HostInfo("pve1", 8, 16L << 30, "EPYC"), 20)).isEmpty();
    }

    @Test
    void aChangedHostIsRecorded() {
        NodeState s = NodeState.empty("pve1").apply(new NodeEvent.NodeRegistered("pve1", HOST, 10))
                .apply(new NodeEvent.ForeignDomainsChanged("pve1", Set.of("win10"), Set.of(), 11));
        HostInfo bigger = new HostInfo("pve1", 16, 32L << 30, "EPYC");
        NodeEvent e = s.register(bigger, 20).orElseThrow();
        assertThat(e).isEqualTo(new NodeEvent.NodeRegistered("pve1", bigger, 20));
        assertThat(s.apply(e)).isEqualTo(new NodeState("pve1", bigger, Set.of("win10")));
    }

    @Test
    void foreignDomainsThatAppearAndGoAreRecorded() {
        NodeState s = NodeState.empty("pve1");
        NodeEvent first = s.observeForeign(Set.of("win10", "fabric-999"), 1).orElseThrow();
        assertThat(first).isEqualTo(new NodeEvent.ForeignDomainsChanged("pve1", Set.of("win10", "fabric-999"),
                Set.of(), 1));
        s = s.apply(first);
        assertThat(s.foreignDomains()).containsExactlyInAnyOrder("win10", "fabric-999");

        assertThat(s.observeForeign(Set.of("fabric-999", "win10"), 2)).as("nothing changed").isEmpty();

        NodeEvent second = s.observeForeign(Set.of("win10", "old-vm"), 3).orElseThrow();
        assertThat(second).isEqualTo(new NodeEvent.ForeignDomainsChanged("pve1", Set.of("old-vm"),
                Set.of("fabric-999"), 3));
        s = s.apply(second);
        assertThat(s.foreignDomains()).containsExactlyInAnyOrder("win10", "old-vm");

        NodeEvent third = s.observeForeign(Set.of(), 4).orElseThrow();
        assertThat(third).isEqualTo(new NodeEvent.ForeignDomainsChanged("pve1", Set.of(), Set.of("win10", "old-vm"), 4));
        assertThat(s.apply(third).foreignDomains()).isEmpty();
        assertThat(NodeState.empty("pve1").observeForeign(Set.of(), 5)).isEmpty();
    }

    @Test
    void applyingTheObservedChangeAlwaysYieldsWhatWasSeen() {
        var random = new java.util.SplittableRandom(5);
        String[] names = {"a", "b", "c", "d", "e", "fabric-1", "fabric-2"};
        NodeState s = NodeState.empty("n");
        for (int i = 0; i < 500; i++) {
            var seen = new java.util.TreeSet<String>();
            for (String n : names) {
                if (random.nextInt(3) == 0) {
                    seen.add(n);
                }
            }
            var event = s.observeForeign(seen, i);
            if (event.isPresent()) {
                var e = (NodeEvent.ForeignDomainsChanged) event.get();
                assertThat(e.appeared()).isSubsetOf(seen);
                assertThat(java.util.Collections.disjoint(e.appeared(), s.foreignDomains())).isTrue();
                assertThat(e.gone()).isSubsetOf(s.foreignDomains());
                assertThat(java.util.Collections.disjoint(e.gone(), seen)).isTrue();
                s = s.apply(e);
            }
            assertThat(s.foreignDomains()).isEqualTo(seen);
            assertThat(s.observeForeign(seen, i)).isEmpty();
        }
    }

    @Test
    void eventsAndStateAreImmutableCopies() {
        var appeared = new java.util.HashSet<>(Set.of("x"));
        var e = new NodeEvent.ForeignDomainsChanged("n", appeared, Set.of(), 1);
        appeared.add("y");
        assertThat(e.appeared()).containsExactly("x");
        assertThat(NodeState.empty("n").apply(e).foreignDomains()).containsExactly("x");
    }
}
