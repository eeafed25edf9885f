package org.fabricve.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.fabricve.persistence.JournalStore;

/** Real single-node fabrics for tests: free ports, a temp data directory, HTTPS, a fast reconciliation loop. */
final class TestNodes {

    static final String NODE = "pve1";

    private TestNodes() {}

    static NodeSettings settings(Path dataDir, Optional<String> libvirtUri) {
        return new NodeSettings(dataDir, NODE, "127.0.0.1", 0, 0, true, libvirtUri, Optional.empty(),
                Duration.ofMillis(300), 1, new JournalStore.EmbeddedH2(), Optional.empty());
    }

    static FabricNode start(Path dataDir) throws Exception {
        return FabricNode.start(settings(dataDir, Optional.empty()));
    }
}
