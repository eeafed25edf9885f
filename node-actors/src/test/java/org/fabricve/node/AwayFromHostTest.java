package org.fabricve.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

class AwayFromHostTest {

    private static final Address N1 = new Address("pekko", "fabric", "10.0.0.1", 25520);
    private static final Address N2 = new Address("pekko", "fabric", "10.0.0.2", 25520);
    private static final Address N3 = new Address("pekko", "fabric", "10.0.0.3", 25520);
    private static final Map<String, Address> REGIONS = ordered("r1", N1, "r2", N2, "r3", N3);

    @Test
    void aShardGoesOnlyWhereNoneOfItsGuestsRuns() {
        Map<Address, Set<String>> hosted = Map.of(N1, Set.of("7"), N3, Set.of("7", "9"));
        assertThat(AwayFromHost.allowed("7", REGIONS, hosted)).containsExactly("r2");
        assertThat(AwayFromHost.allowed("9", REGIONS, hosted)).containsExactlyInAnyOrder("r1", "r2");
    }

    @Test
    void aShardNobodyHostsMayGoAnywhere() {
        assertThat(AwayFromHost.allowed("5", REGIONS, Map.of(N1, Set.of("7")))).containsExactlyInAnyOrder("r1", "r2", "r3");
        assertThat(AwayFromHost.allowed("5", REGIONS, Map.of())).containsExactlyInAnyOrder("r1", "r2", "r3");
    }

    @Test
    void whenEveryMemberHostsAGuestOfTheShardEveryRegionStaysACandidate() {
        Map<Address, Set<String>> hosted = Map.of(N1, Set.of("7"), N2, Set.of("7"), N3, Set.of("7"));
        assertThat(AwayFromHost.allowed("7", REGIONS, hosted)).containsExactlyInAnyOrder("r1", "r2", "r3");
    }

    @Test
    void aRegionOfAMemberNobodyHeardOfHostsNothing() {
        Map<String, Address> regions = ordered("r1", N1, "r4", new Address("pekko", "fabric", "10.0.0.4", 25520));
        assertThat(AwayFromHost.allowed("7", regions, Map.of(N1, Set.of("7")))).containsExactly("r4");
    }

    @Test
    void misplacedShardsAreThoseWithTheirGuestWhenAnotherMemberIsFree() {
        Map<String, List<String>> allocations = ordered("r1", List.of("1", "7"), "r2", List.of("2"), "r3", List.of("3", "9"));
        Map<Address, Set<String>> hosted = Map.of(N1, Set.of("7", "2"), N3, Set.of("3"), N2, Set.of("3"));
        // 7 sits with its guest on n1 and could go to n2 or n3; 3 sits with its guest on n3 and could go to n1;
        // 2 is on n2 while its guest runs on n1: fine
        assertThat(AwayFromHost.misplaced(allocations, REGIONS, hosted, Set.of(), 10)).containsExactly("7", "3");
    }

    @Test
    void aShardWithGuestsOnEveryMemberIsNotMoved() {
        Map<String, List<String>> allocations = ordered("r1", List.of("7"), "r2", List.of(), "r3", List.of());
        Map<Address, Set<String>> hosted = Map.of(N1, Set.of("7"), N2, Set.of("7"), N3, Set.of("7"));
        assertThat(AwayFromHost.misplaced(allocations, REGIONS, hosted, Set.of(), 10)).isEmpty();
    }

    @Test
    void shardsAlreadyMovingAreLeftOutAndTheLimitHolds() {
        Map<String, List<String>> allocations = ordered("r1", List.of("1", "2", "3", "4"), "r2", List.of(), "r3", List.of());
        Map<Address, Set<String>> hosted = Map.of(N1, Set.of("1", "2", "3", "4"));
        assertThat(AwayFromHost.misplaced(allocations, REGIONS, hosted, Set.of("1"), 2)).containsExactly("2", "3");
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> ordered(Object... kv) {
        Map<String, V> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) out.put((String) kv[i], (V) kv[i + 1]);
        return out;
    }
}
