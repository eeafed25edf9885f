package org.fabricve.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacementTest {

    @Test
    void hostsSortNaturallyBaseFirst() {
        List<String> reported = List.of("pve1-10", "pve1-2", "pve1", "pve1-9", "pve1-3");
        assertThat(Placement.hosts(reported, 0)).containsExactly("pve1", "pve1-2", "pve1-3", "pve1-9", "pve1-10");
        assertThat(Placement.hosts(reported, 3)).containsExactly("pve1", "pve1-2", "pve1-3");
        assertThat(Placement.hosts(reported, 99)).hasSize(5);
    }

    @Test
    void roundRobinSpreadsEvenly() {
        List<String> p = Placement.roundRobin(List.of("a", "b", "c"), 8);
        assertThat(p).containsExactly("a", "b", "c", "a", "b", "c", "a", "b");
        assertThat(Placement.counts(p)).isEqualTo(Map.of("a", 3, "b", 3, "c", 2));
        assertThat(Placement.counts(Placement.roundRobin(List.of("a", "b"), 10_000)).values()).containsOnly(5_000);
        assertThat(Placement.roundRobin(List.of("a"), 0)).isEmpty();
    }

    @Test
    void noHostsIsAnError() {
        assertThatThrownBy(() -> Placement.roundRobin(List.of(), 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
