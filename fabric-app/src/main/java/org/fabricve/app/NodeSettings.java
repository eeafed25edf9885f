package org.fabricve.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.fabricve.persistence.JournalStore;

/**
 * Everything a member needs to start, each settable by flag or environment variable (see {@link UpCommand}).
 * {@code libvirtUri} empty means: simulate this node's host with a libvirt test-driver file in the data directory.
 * {@code join} is the cluster address (HOST:PORT) of a member to join; empty starts a new cluster.
 */
public record NodeSettings(Path dataDir, String nodeName, String bindHost, int apiPort, int clusterPort, boolean tls,
                           Optional<String> libvirtUri, Optional<String> rootPassword, Duration reconcileInterval,
                           int simulatedHosts, JournalStore store, Optional<String> join) {

    public static final int DEFAULT_API_PORT = 8006;
    public static final int DEFAULT_CLUSTER_PORT = 25520;
    public static final Duration DEFAULT_RECONCILE_INTERVAL = Duration.ofSeconds(10);

    public NodeSettings {
        dataDir = dataDir.toAbsolutePath().normalize();
        if (!nodeName.matches("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?")) {
            throw new IllegalArgumentException("node name '" + nodeName
                    + "' is not a valid host name (letters, digits and '-', at most 63 characters)");
        }
        if (apiPort < 0 || apiPort > 65535) {
            throw new IllegalArgumentException("API port " + apiPort + " is out of range 0-65535");
        }
        if (simulatedHosts < 1 || simulatedHosts > 10_000) {
            throw new IllegalArgumentException("simulated hosts must be 1-10000, not " + simulatedHosts);
        }
        if (simulatedHosts > 1 && libvirtUri.isPresent()) {
            throw new IllegalArgumentException("simulated hosts need the built-in simulator: leave the libvirt URI unset");
        }
        if (join.isPresent() && store instanceof JournalStore.EmbeddedH2) {
            throw new IllegalArgumentException("cannot join " + join.get() + ": this member uses the embedded H2 "
                    + "store, which is one node's disk and not a shared journal; start it with --store cassandra");
        }
        join.flatMap(org.fabricve.core.cluster.ClusterNode::addressProblem).ifPresent(p -> {
            throw new IllegalArgumentException("--join / FABRIC_JOIN: " + p);
        });
        if (clusterPort < 0 || clusterPort > 65535) {
            throw new IllegalArgumentException("cluster port " + clusterPort + " is out of range 0-65535");
        }
    }

    public NodeSettings withApiPort(int port) {
        return new NodeSettings(dataDir, nodeName, bindHost, port, clusterPort, tls, libvirtUri, rootPassword,
                reconcileInterval, simulatedHosts, store, join);
    }
}
