package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.fabricve.persistence.JournalStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Members that must not form one cluster are refused at join, quickly, with a reason; nothing changes. */
class JoinRefusalTest {

    @TempDir
    Path tmp;

    @Test
    void aMemberOfAnotherClusterNameIsRefused() throws Exception {
        JournalStore store = ClusterMembers.sharedStore("refusal");
        try (FabricNode first = ClusterMembers.start(tmp.resolve("a"), "pve1", store, Optional.empty())) {
            long began = System.nanoTime();
            assertThatThrownBy(() -> ClusterMembers.start(tmp.resolve("b"), "pve2", store,
                    ClusterMembers.joinAddressOf(first), ClusterMembers.clusterName("other")))
                    .isInstanceOf(ClusterJoin.JoinFailed.class)
                    .hasMessageContaining("could not join the cluster at")
                    .hasMessageContaining("join was refused");
            assertThat((System.nanoTime() - began) / 1_000_000_000).as("refused, not timed out").isLessThan(20);
            assertThat(first.services().health().nodes().nodes()).hasSize(1);
            assertThat(first.services().health().quorate()).isTrue();
        }
    }

    @Test
    void anEmbeddedH2MemberAcceptsNoOtherMember() throws Exception {
        try (FabricNode single = TestNodes.start(tmp.resolve("single"))) {
            assertThatThrownBy(() -> ClusterMembers.start(tmp.resolve("joiner"), "pve2",
                    ClusterMembers.sharedStore("h2refusal"), ClusterMembers.joinAddressOf(single)))
                    .isInstanceOf(ClusterJoin.JoinFailed.class)
                    .hasMessageContaining("join was refused");
            assertThat(single.services().health().nodes().nodes()).hasSize(1);
        }
    }

    @Test
    void anEmbeddedH2MemberRefusesToJoinBeforeStarting() {
        assertThatThrownBy(() -> ClusterMembers.settings(tmp, "pve2", new JournalStore.EmbeddedH2(),
                Optional.of("127.0.0.1:25520")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("embedded H2").hasMessageContaining("--store cassandra");
    }

    @Test
    void aJoinAddressMustBeHostAndPort() {
        assertThatThrownBy(() -> ClusterMembers.settings(tmp, "pve2", ClusterMembers.sharedStore("x"),
                Optional.of("127.0.0.1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--join");
    }
}
