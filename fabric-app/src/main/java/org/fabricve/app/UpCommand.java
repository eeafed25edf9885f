package org.fabricve.app;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.fabricve.persistence.JournalStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fabric up}: start one member on this host and serve the API until stopped (Ctrl-C, SIGTERM). */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start a Fabric VE node and serve the API until stopped.")
final class UpCommand implements Callable<Integer> {

    @Option(names = "--data-dir", description = "data directory (env FABRIC_DATA_DIR, default ./data)")
    Path dataDir;

    @Option(names = "--node", description = "node name (env FABRIC_NODE, default the host name)")
    String node;

    @Option(names = "--api-port", description = "API port (env FABRIC_API_PORT, default 8006)")
    Integer apiPort;

    @Option(names = "--cluster-port", description = "cluster port (env FABRIC_CLUSTER_PORT, default 25520)")
    Integer clusterPort;

    @Option(names = "--bind", description = "API listen address (env FABRIC_BIND, default 0.0.0.0)")
    String bind;

    @Option(names = "--tls", description = "on|off: HTTPS, or plain HTTP for local tools (env FABRIC_TLS, default on)")
    String tls;

    @Option(names = "--libvirt-uri", description = "libvirt URI of this host (env FABRIC_LIBVIRT_URI; "
            + "default: a simulated host, libvirt's test driver, described in the data directory)")
    String libvirtUri;

    @Option(names = "--simulated-hosts", description = "how many simulated hosts this member runs: NODE, "
            + "NODE-2 .. NODE-N (env FABRIC_SIMULATED_HOSTS, default 1; only without a libvirt URI)")
    Integer simulatedHosts;

    @Option(names = "--reconcile-seconds", description = "how often each host's agent compares every domain of its "
            + "host with the journal (env FABRIC_RECONCILE_SECONDS, default 10, 1..3600)")
    Integer reconcileSeconds;

    @Option(names = "--join", description = "cluster address HOST:PORT of a member to join (env FABRIC_JOIN; "
            + "default: start a new cluster). Needs a shared store: an embedded H2 member refuses to join")
    String join;

    @Option(names = "--store", description = "h2|cassandra: where the journal lives (env FABRIC_STORE, default h2, "
            + "an embedded file in the data directory; cassandra: a shared Cassandra journal, see --cassandra)")
    String store;

    @Option(names = "--cassandra", description = "HOST:PORT of a Cassandra node to use as the journal (env "
            + "FABRIC_CASSANDRA, default 127.0.0.1:9042, what ./fabric cassandra start runs; implies --store cassandra)")
    String cassandra;

    @Override
    public Integer call() throws Exception {
        NodeSettings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            System.err.println("fabric up: " + e.getMessage());
            return 2;
        }
        FabricNode node;
        try {
            node = FabricNode.start(settings);
        } catch (ClusterJoin.JoinFailed e) {
            System.err.println("fabric up: " + e.getMessage());
            return 3;
        } catch (IllegalStateException e) {
            // a start-up failure with a message for the operator (journal unreachable, unreadable key file):
            // say it plainly, not as a stack trace; the log above holds the details
            System.err.println("fabric up: " + e.getMessage());
            return 1;
        }
        printBanner(node);
        node.stopped().toCompletableFuture().join();
        var problem = node.stopProblem();
        if (problem.isPresent()) {
            System.err.println("fabric up: " + problem.get());
            return 4;
        }
        System.out.println("Fabric VE node " + settings.nodeName() + " stopped.");
        return 0;
    }

    NodeSettings settings() throws Exception {
        String tlsValue = first(tls, env("FABRIC_TLS"), "on").toLowerCase(java.util.Locale.ROOT);
        if (!tlsValue.equals("on") && !tlsValue.equals("off")) {
            throw new IllegalArgumentException("--tls / FABRIC_TLS must be 'on' or 'off', not '" + tlsValue + "'");
        }
        String host = defaultNodeName();
        String given = first(dataDir != null ? dataDir.toString() : null, env("FABRIC_DATA_DIR"), null);
        // ./fabric runs from the repository: a relative path the user gave means the directory they were in
        Path data = given == null ? Path.of("data")
                : env("FABRIC_CALLER_DIR") != null ? Path.of(env("FABRIC_CALLER_DIR")).resolve(given) : Path.of(given);
        return new NodeSettings(
                data,
                first(node, env("FABRIC_NODE"), host),
                first(bind, env("FABRIC_BIND"), "0.0.0.0"),
                port("--api-port / FABRIC_API_PORT", apiPort, env("FABRIC_API_PORT"), NodeSettings.DEFAULT_API_PORT),
                port("--cluster-port / FABRIC_CLUSTER_PORT", clusterPort, env("FABRIC_CLUSTER_PORT"),
                        NodeSettings.DEFAULT_CLUSTER_PORT),
                tlsValue.equals("on"),
                Optional.ofNullable(first(libvirtUri, env("FABRIC_LIBVIRT_URI"), null)),
                Optional.ofNullable(env("FABRIC_ROOT_PASSWORD")).filter(p -> !p.isEmpty()),
                reconcileInterval(reconcileSeconds, env("FABRIC_RECONCILE_SECONDS")),
                simulatedHosts != null ? simulatedHosts
                        : number("--simulated-hosts / FABRIC_SIMULATED_HOSTS", env("FABRIC_SIMULATED_HOSTS"), 1),
                journalStore(first(store, env("FABRIC_STORE"), null), first(cassandra, env("FABRIC_CASSANDRA"), null)),
                Optional.ofNullable(first(join, env("FABRIC_JOIN"), null)));
    }

    /**
     * The store from {@code --store} / FABRIC_STORE and {@code --cassandra} / FABRIC_CASSANDRA: H2 unless
     * Cassandra is asked for by either; a contact point with the H2 store is a contradiction, not a choice.
     */
    static JournalStore journalStore(String storeName, String contactPoint) {
        String name = storeName == null ? (contactPoint == null ? "h2" : "cassandra")
                : storeName.trim().toLowerCase(java.util.Locale.ROOT);
        switch (name) {
            case "h2":
                if (contactPoint != null) {
                    throw new IllegalArgumentException("--cassandra / FABRIC_CASSANDRA needs --store cassandra, not h2");
                }
                return new JournalStore.EmbeddedH2();
            case "cassandra":
                return contactPoint(contactPoint == null ? "127.0.0.1:9042" : contactPoint);
            default:
                throw new IllegalArgumentException("--store / FABRIC_STORE must be 'h2' or 'cassandra', not '"
                        + storeName + "'");
        }
    }

    /** HOST:PORT, also [IPv6]:PORT. */
    static JournalStore.Cassandra contactPoint(String hostPort) {
        String what = "--cassandra / FABRIC_CASSANDRA";
        String value = hostPort.trim();
        int colon = value.lastIndexOf(':');
        if (colon < 1 || colon == value.length() - 1) {
            throw new IllegalArgumentException(what + " must be HOST:PORT, not '" + hostPort + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": the port must be a number, not '" + value.substring(colon + 1) + "'");
        }
        try {
            return new JournalStore.Cassandra(host, port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage());
        }
    }

    /**
     * The host's short name, as Proxmox names a node; read from the kernel so that a name the resolver does
     * not know still works.
     */
    static String defaultNodeName() {
        String name;
        try {
            name = java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (java.io.IOException | RuntimeException e) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e2) {
                name = "localhost";
            }
        }
        return name.replaceAll("\\..*$", "");
    }

    private static void printBanner(FabricNode node) {
        NodeSettings s = node.settings();
        String scheme = s.tls() ? "https" : "http";
        String host = s.bindHost().equals("0.0.0.0") ? "localhost" : s.bindHost();
        StringBuilder out = new StringBuilder();
        out.append("\nFabric VE ").append(FabricNode.VERSION).append(" is up.\n");
        out.append("  node:     ").append(s.nodeName()).append('\n');
        out.append("  API:      ").append(scheme).append("://").append(host).append(':').append(node.apiPort())
                .append("/api2/json\n");
        node.certificate().ifPresent(c -> out.append("  TLS:      self-signed certificate ")
                .append(c.certificatePath()).append("\n            SHA-256 ").append(c.sha256Fingerprint()).append('\n'));
        out.append("  data:     ").append(s.dataDir()).append('\n');
        if (s.store() instanceof JournalStore.Cassandra c) {
            out.append("  journal:  Cassandra at ").append(c.host()).append(':').append(c.port()).append(", keyspace ")
                    .append(node.system().settings().config().getString("pekko.persistence.cassandra.journal.keyspace"))
                    .append('\n');
        } else {
            out.append("  journal:  embedded H2 in ").append(s.dataDir().resolve("db")).append('\n');
        }
        out.append("  login:    user root@pam, ");
        var credentials = node.credentials();
        if (credentials.fromEnvironment()) {
            out.append("password from FABRIC_ROOT_PASSWORD\n");
        } else if (credentials.generatedNow()) {
            out.append("password ").append(credentials.generatedPassword().orElseThrow())
                    .append("\n            (generated now, shown once; also stored in ")
                    .append(credentials.passwordFile()).append(", mode 0600)\n");
        } else {
            out.append("password stored in ").append(credentials.passwordFile()).append('\n');
        }
        out.append("  try:      curl ").append(s.tls() ? "-k " : "").append("-d username=root@pam -d password=... ")
                .append(scheme).append("://")
                .append(host).append(':').append(node.apiPort()).append("/api2/json/access/ticket\n");
        out.append("Stop with Ctrl-C.\n");
        System.out.print(out);
        System.out.flush();
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? null : v;
    }

    private static String first(String a, String b, String c) {
        return a != null ? a : b != null ? b : c;
    }

    private static int port(String what, Integer flag, String envValue, int defaultValue) {
        return flag != null ? flag : number(what, envValue, defaultValue);
    }

    /**
     * The agents' reconciliation period. Every agent lists every domain of its host each period, so a member
     * running many simulated hosts with many guests may want it longer (docs/benchmarks.md, "Toward 100,000").
     */
    static Duration reconcileInterval(Integer option, String envValue) {
        int seconds = option != null ? option : number("--reconcile-seconds / FABRIC_RECONCILE_SECONDS", envValue,
                (int) NodeSettings.DEFAULT_RECONCILE_INTERVAL.toSeconds());
        if (seconds < 1 || seconds > 3600) {
            throw new IllegalArgumentException("--reconcile-seconds / FABRIC_RECONCILE_SECONDS must be between 1 and "
                    + "3600, not " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    private static int number(String what, String envValue, int defaultValue) {
        if (envValue == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(envValue.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a number, not '" + envValue + "'");
        }
    }
}
