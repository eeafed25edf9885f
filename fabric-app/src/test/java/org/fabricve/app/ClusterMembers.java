package org.fabricve.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.cluster.typed.Cluster;
import org.fabricve.persistence.JournalStore;

/**
 * Several members in one JVM for the fast multi-member tests: each its own data directory and free ports, all
 * sharing one in-memory H2 journal (the test-only {@link JournalStore.SharedMemoryH2}).
 */
final class ClusterMembers {

    private ClusterMembers() {}

    static JournalStore sharedStore(String prefix) {
        return new JournalStore.SharedMemoryH2(prefix + "_" + Long.toHexString(System.nanoTime()));
    }

    static NodeSettings settings(Path dataDir, String name, JournalStore store, Optional<String> join) {
        return new NodeSettings(dataDir, name, "127.0.0.1", 0, 0, true, Optional.empty(), Optional.empty(),
                Duration.ofMillis(300), 1, store, join);
    }

    static FabricNode start(Path dataDir, String name, JournalStore store, Optional<String> join) throws Exception {
        return FabricNode.start(settings(dataDir, name, store, join), ConfigFactory.empty());
    }

    static FabricNode start(Path dataDir, String name, JournalStore store, Optional<String> join, Config extra)
            throws Exception {
        return FabricNode.start(settings(dataDir, name, store, join), extra);
    }

    static Config clusterName(String name) {
        return ConfigFactory.parseMap(Map.of("fabric.cluster-name", name));
    }

    /** The member's cluster address, HOST:PORT, for {@code --join}. */
    static Optional<String> joinAddressOf(FabricNode member) {
        var address = Cluster.get(member.system()).selfMember().address();
        return Optional.of(address.getHost().get() + ":" + address.getPort().get());
    }
}
