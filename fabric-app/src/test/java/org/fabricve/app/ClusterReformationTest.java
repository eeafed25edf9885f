package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.typed.Cluster;
import org.fabricve.persistence.JournalStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole cluster of three stops and restarts without {@code --join}, from the node list in the shared journal,
 * but the member with the lowest address stays away: the other two form the cluster again and are quorate; one
 * alone (even the lowest) does not, and says why; the third, back, joins them.
 */
class ClusterReformationTest {

    static final Duration SETTLE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private final List<FabricNode> running = new ArrayList<>();

    @AfterEach
    void stop() {
        running.forEach(FabricNode::close);
    }

    @Test
    void twoOfThreeFormTheClusterAgainWithoutTheFirstMember() throws Exception {
        JournalStore store = ClusterMembers.sharedStore("reform");
        List<String> names = List.of("pve1", "pve2", "pve3");
        Map<String, Integer> ports = new TreeMap<>();
        FabricNode first = ClusterMembers.start(tmp.resolve("pve1"), "pve1", store, Optional.empty());
        running.add(first);
        for (String n : names.subList(1, 3)) {
            running.add(ClusterMembers.start(tmp.resolve(n), n, store, ClusterMembers.joinAddressOf(first)));
        }
        for (FabricNode m : running) {
            Await.until(SETTLE, m.settings().nodeName() + " quorate", () -> m.services().health().quorate());
            ports.put(m.settings().nodeName(), Cluster.get(m.system()).selfMember().address().getPort().get());
        }
        String lowest = running.stream().min(Comparator.comparing((FabricNode m) -> address(m).toString()))
                .orElseThrow().settings().nodeName();
        List<String> others = names.stream().filter(n -> !n.equals(lowest)).toList();
        running.forEach(FabricNode::close);
        running.clear();

        // one member alone, even the lowest: it waits for a majority and gives up saying so
        assertThatThrownBy(() -> restart(store, lowest, ports, "4s"))
                .isInstanceOf(ClusterJoin.JoinFailed.class)
                .hasMessageContaining("1 of the 3 recorded members are starting: 2 are needed");

        // two of three, started together: they form the cluster, and it is quorate
        List<CompletableFuture<FabricNode>> starts = others.stream().map(n -> CompletableFuture.supplyAsync(() -> {
            try {
                return restart(store, n, ports, "30s");
            } catch (Exception e) {
                throw new IllegalStateException(n + " did not start: " + e.getMessage(), e);
            }
        })).toList();
        for (CompletableFuture<FabricNode> s : starts) running.add(s.get(60, TimeUnit.SECONDS));
        for (FabricNode m : running) {
            Await.until(SETTLE, m.settings().nodeName() + " quorate again", () -> m.services().health().quorate());
        }
        assertThat(Cluster.get(running.get(0).system()).state().getMembers()).hasSize(2);

        // the lowest comes back and joins them rather than forming a cluster of its own
        running.add(restart(store, lowest, ports, "30s"));
        for (FabricNode m : running) {
            Await.until(SETTLE, m.settings().nodeName() + " sees three members", () ->
                    m.services().health().reachableMembers().size() == 3);
        }
    }

    private FabricNode restart(JournalStore store, String name, Map<String, Integer> ports, String joinTimeout)
            throws Exception {
        NodeSettings settings = new NodeSettings(tmp.resolve(name), name, "127.0.0.1", 0, ports.get(name), true,
                Optional.empty(), Optional.empty(), Duration.ofMillis(300), 1, store, Optional.empty());
        return FabricNode.start(settings, ConfigFactory.parseMap(Map.of("fabric.join-timeout", joinTimeout)));
    }

    private static Address address(FabricNode m) {
        return Cluster.get(m.system()).selfMember().address();
    }
}
