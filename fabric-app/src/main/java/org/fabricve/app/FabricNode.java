package org.fabricve.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.fabricve.core.hypervisor.HostInfo;
import org.fabricve.core.hypervisor.Hypervisor;
import org.fabricve.core.storage.StorageDefinition;
import org.fabricve.gateway.ApiRoutes;
import org.fabricve.ha.runtime.HaRuntime;
import org.fabricve.gateway.security.NodeCertificate;
import org.fabricve.gateway.security.RootCredentials;
import org.fabricve.gateway.security.TicketAuthority;
import org.fabricve.node.AgentDirectory;
import org.fabricve.node.AwayFromHostAllocation;
import org.fabricve.node.ClusterHealth;
import org.fabricve.node.ClusterNodesEntity;
import org.fabricve.node.DemandFirstAllocation;
import org.fabricve.node.FabricServices;
import org.fabricve.node.GuestEntity;
import org.fabricve.node.HostedGuestShards;
import org.fabricve.node.NodeAgent;
import org.fabricve.node.NodeEntity;
import org.fabricve.node.StorageEntity;
import org.fabricve.node.libvirt.DomainType;
import org.fabricve.node.libvirt.LibvirtHypervisor;
import org.fabricve.node.libvirt.TestHost;
import org.fabricve.persistence.EventFeed;
import org.fabricve.persistence.JournalConfig;
import org.fabricve.persistence.JournalSchema;
import org.fabricve.persistence.JournalStore;
import org.fabricve.persistence.view.ClusterView;
import org.fabricve.persistence.view.ClusterViewUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Fabric VE member: actor system (a cluster of one), journal, sharded entities, the agent of
 * this node's hypervisor, the read model and the HTTP gateway, started in that order and stopped in reverse.
 */
public final class FabricNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FabricNode.class);
    public static final String VERSION = "0.1.0";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final NodeSettings settings;
    private final ActorSystem<Void> system;
    private final ServerBinding binding;
    private final RootCredentials credentials;
    private final NodeCertificate certificate;
    private final FabricServices services;
    private final HaRuntime ha;
    private final CompletionStage<List<Integer>> onbootStarts;
    private final CompletableFuture<Boolean> stopped;

    private FabricNode(NodeSettings settings, ActorSystem<Void> system, ServerBinding binding,
                       RootCredentials credentials, NodeCertificate certificate, FabricServices services, HaRuntime ha,
                       CompletionStage<List<Integer>> onbootStarts, CompletableFuture<Boolean> stopped) {
        this.ha = ha;
        this.stopped = stopped;
        this.onbootStarts = onbootStarts;
        this.settings = settings;
        this.system = system;
        this.binding = binding;
        this.credentials = credentials;
        this.certificate = certificate;
        this.services = services;
    }

    public static FabricNode start(NodeSettings settings) throws Exception {
        return start(settings, ConfigFactory.empty());
    }

    /**
     * Starts with {@code extra} layered over the member's configuration: for tests (e.g. a Cassandra
     * keyspace of their own) and tools; {@link #start(NodeSettings)} is the normal way.
     */
    public static FabricNode start(NodeSettings settings, Config extra) throws Exception {
        long began = System.nanoTime();
        Path dataDir = settings.dataDir();
        Files.createDirectories(dataDir);
        Clock clock = Clock.systemUTC();
        RootCredentials credentials = RootCredentials.loadOrCreate(dataDir, settings.rootPassword(), new SecureRandom());
        TicketAuthority tickets = TicketAuthority.loadOrCreate(dataDir, clock);
        NodeCertificate certificate = settings.tls() ? NodeCertificate.loadOrCreate(dataDir, settings.nodeName(), clock)
                : null;

        Path poolDir = dataDir.resolve("images");
        List<Host> hosts = connectHosts(settings, dataDir, poolDir);
        Hypervisor hypervisor = hosts.get(0).hypervisor();

        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "fabric", config(settings, extra));
        CompletableFuture<Boolean> stopped = MemberStop.watch(system);
        try {
            Cluster cluster = Cluster.get(system);
            JournalSchema.ensure(system, START_TIMEOUT);
            EventFeed feed = EventFeed.of(system);
            List<org.apache.pekko.actor.Address> known = settings.join().isPresent()
                    || settings.store() instanceof JournalStore.EmbeddedH2 ? List.of()
                    : ClusterJoin.persistedMembers(system, feed, settings.nodeName(), START_TIMEOUT);
            ClusterJoin.joinAndAwaitUp(system, settings.join(), known,
                    system.settings().config().getDuration("fabric.join-timeout"));

            ClusterSharding sharding = ClusterSharding.get(system);
            AgentDirectory agents = AgentDirectory.start(system);
            sharding.init(Entity.of(NodeEntity.TYPE_KEY, ctx -> NodeEntity.create(ctx.getEntityId(), clock))
                    .withAllocationStrategy(demandFirst(system, sharding)));
            sharding.init(Entity.of(StorageEntity.TYPE_KEY, ctx -> StorageEntity.create(ctx.getEntityId(), clock))
                    .withAllocationStrategy(demandFirst(system, sharding)));
            sharding.init(Entity.of(ClusterNodesEntity.TYPE_KEY,
                    ctx -> ClusterNodesEntity.create(ctx.getEntityId(), clock))
                    .withAllocationStrategy(demandFirst(system, sharding)));

            ClusterViewUpdater.ReadSide readSide = ClusterViewUpdater.start(system, feed).toCompletableFuture()
                    .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            ClusterView view = readSide.view();
            Duration askTimeout = system.settings().config().getDuration("fabric.ask-timeout");
            ClusterHealth health = ClusterHealth.start(system, view, settings.nodeName());
            // after health: a guest entity persists only while its member is quorate
            sharding.init(Entity.of(GuestEntity.TYPE_KEY,
                    ctx -> GuestEntity.create(Integer.parseInt(ctx.getEntityId()), agents, clock, health::quorate))
                    .withMessageExtractor(HostedGuestShards.get(system).<GuestEntity.Command>extractor())
                    .withAllocationStrategy(guestAllocation(system, sharding)));
            FabricServices services = new FabricServices(system, sharding, view, agents, health, settings.nodeName(),
                    clock, askTimeout);

            String poolPath = hypervisor.pools().stream().filter(p -> p.name().equals("local")).findFirst()
                    .map(p -> p.path()).orElse(poolDir.toString());
            StorageDefinition local = new StorageDefinition("local", "dir", poolPath,
                    List.of("images", "rootdir", "iso", "vztmpl", "backup"), List.of(), false);
            StartupRetry.untilAnswered("define the local storage", START_TIMEOUT, () -> services.defineStorage(local));

            var blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("fabric.libvirt-dispatcher"));
            for (Host h : hosts) {
                HostInfo info = h.hypervisor().hostInfo();
                HostInfo named = new HostInfo(h.node(), info.cpus(), info.memoryBytes(), info.cpuModel());
                system.systemActorOf(NodeAgent.create(new NodeAgent.Settings(h.node(), h.hypervisor(), named,
                                blocking, view, sharding, agents, settings.reconcileInterval(), clock, health::quorate)),
                        AgentDirectory.actorName(h.node()), org.apache.pekko.actor.typed.Props.empty());
                CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
                        "release-hypervisor-" + h.node(), () -> releaseHypervisor(h));
            }
            for (Host h : hosts) {
                awaitNodeVisible(view, h.node());
            }
            HaRuntime ha = HaRuntime.start(system, services);
            for (Host h : hosts) {
                ha.startAgent(h.node(), h.hypervisor(), blocking, dataDir);
            }
            HaGracefulStop.register(system, ha, hosts.stream().map(Host::node).toList());
            HaFenceOnDowning.register(system, ha);

            ApiRoutes routes = new ApiRoutes(services, readSide.tail(), credentials, tickets, new SecureRandom(),
                    system.settings().config().getString("fabric.cluster-name"), VERSION, ha);
            var server = Http.get(system).newServerAt(settings.bindHost(), settings.apiPort());
            if (certificate != null) {
                server = server.enableHttps(ConnectionContext.httpsServer(certificate::newServerEngine));
            }
            ServerBinding binding = server.bind(routes.route()).toCompletableFuture()
                    .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "unbind-api",
                    () -> binding.unbind().thenApply(x -> Done.getInstance()));
            ClusterJoin.registerMember(services, view, cluster.selfMember().address(), settings.bindHost(),
                    binding.localAddress().getPort(), hosts.stream().skip(1).map(Host::node).toList(), START_TIMEOUT);
            LOG.info("node {} started in {} ms (journal, entities, agent, API on port {})", settings.nodeName(),
                    (System.nanoTime() - began) / 1_000_000, binding.localAddress().getPort());
            CompletionStage<List<Integer>> onboot = OnbootStarter.run(services, ha, hosts.stream().map(Host::node).toList(),
                    dataDir, Path.of(system.settings().config().getString("fabric.boot-id-file")),
                    () -> CoordinatedShutdown.get(system).getShutdownReason().isPresent());
            return new FabricNode(settings, system, binding, credentials, certificate, services, ha, onboot, stopped);
        } catch (Exception | Error e) {
            hosts.forEach(h -> h.hypervisor().close());
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The first start writes a plausible host: this machine's CPUs and memory, a local pool, a vmbr0 bridge. */
    private static String simulatedHost(Path hostFile, Path poolDir, String node) {
        try {
            if (!Files.exists(hostFile)) {
                Files.createDirectories(hostFile.getParent());
                Files.createDirectories(poolDir);
                var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                long memoryMiB = Math.max(4096, os.getTotalMemorySize() / (1024 * 1024));
                int cpus = Math.max(4, Runtime.getRuntime().availableProcessors());
                TestHost.write(hostFile, node, cpus, memoryMiB, poolDir);
            }
            return TestHost.uri(hostFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the simulated host file " + hostFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * One hypervisor host this member runs the agent of; {@code hostFile} is set for simulated hosts, whose
     * test-driver connection {@code simulated} saves its domains there.
     */
    private record Host(String node, Hypervisor hypervisor, Path hostFile, LibvirtHypervisor simulated) {}

    /**
     * The member's own host (named by the settings) and, for development and scale tests, more simulated
     * hosts named {@code NODE-2 .. NODE-N}, each its own test-driver file sharing the {@code local} pool path.
     */
    private static List<Host> connectHosts(NodeSettings settings, Path dataDir, Path poolDir) {
        List<Host> hosts = new java.util.ArrayList<>();
        try {
            if (settings.libvirtUri().isPresent()) {
                LibvirtHypervisor real = LibvirtHypervisor.connect(settings.libvirtUri().get(), dataDir.resolve("state"));
                if (real.domainType() == DomainType.TEST) {
                    hosts.add(new Host(settings.nodeName(), real, null, null));
                    return hosts;
                }
                Hypervisor host = real.domainType() == DomainType.LXC ? real
                        : ContainerDriver.alongside(real, settings.libvirtUri().get(), dataDir.resolve("state"));
                hosts.add(new Host(settings.nodeName(), host, null, null));
                // a real host keeps the local storage as a libvirt dir pool, like Proxmox's /var/lib/vz
                real.ensureDirPool("local", poolDir);
                Files.createDirectories(poolDir.resolve("iso"));
                Files.createDirectories(poolDir.resolve("vztmpl"));
                return hosts;
            }
            for (int i = 1; i <= settings.simulatedHosts(); i++) {
                String node = i == 1 ? settings.nodeName() : settings.nodeName() + "-" + i;
                Path hostFile = dataDir.resolve("hosts").resolve(node + ".xml");
                LibvirtHypervisor simulated = LibvirtHypervisor.connect(simulatedHost(hostFile, poolDir, node));
                hosts.add(new Host(node, simulated, hostFile, simulated));
            }
            return hosts;
        } catch (IOException e) {
            hosts.forEach(h -> h.hypervisor().close());
            throw new IllegalStateException("cannot set up the local storage in " + poolDir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            hosts.forEach(h -> h.hypervisor().close());
            throw e;
        }
    }

    /** A simulated host keeps its domains across restarts, as a real libvirtd would keep running. */
    private static CompletionStage<Done> releaseHypervisor(Host host) {
        try {
            if (host.hostFile() != null) {
                TestHost.saveState(host.hostFile(), host.simulated());
            }
        } catch (RuntimeException e) {
            LOG.warn("could not save the simulated host's state to {}: {}", host.hostFile(), e.getMessage());
        } finally {
            host.hypervisor().close();
        }
        return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
    }

    private static void awaitNodeVisible(ClusterView view, String node) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (view.node(node).map(n -> n.host() == null).orElse(true)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node " + node + " did not register within " + START_TIMEOUT);
            }
            Thread.sleep(10);
        }
    }

    static Config config(NodeSettings settings, Config extra) {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("pekko.remote.artery.canonical.port", settings.clusterPort());
        // the role names the member's node: how membership events map onto the configured node list
        overrides.put("pekko.cluster.roles", List.of(ClusterHealth.ROLE_PREFIX + settings.nodeName()));
        // the journal store decides the persistence plugins, the H2 file or the Cassandra contact point; its
        // name (fabric.journal.store) is also what FabricJoinCheck compares when a member joins another
        return ConfigFactory.load(extra.withFallback(ConfigFactory.parseMap(overrides))
                .withFallback(JournalConfig.forStore(settings.store(), settings.dataDir()))
                .withFallback(ConfigFactory.parseResources("fabric.conf")));
    }

    public NodeSettings settings() {
        return settings;
    }

    public int apiPort() {
        return binding.localAddress().getPort();
    }

    public RootCredentials credentials() {
        return credentials;
    }

    public Optional<NodeCertificate> certificate() {
        return Optional.ofNullable(certificate);
    }

    /** One per entity type: each coordinator keeps its own count of pending placements. */
    private static DemandFirstAllocation demandFirst(ActorSystem<?> system, ClusterSharding sharding) {
        return demandFirst(system, sharding.defaultShardAllocationStrategy(ClusterShardingSettings.create(system)));
    }

    private static DemandFirstAllocation demandFirst(ActorSystem<?> system, ShardCoordinator.ShardAllocationStrategy placement) {
        return new DemandFirstAllocation(Adapter.toClassic(system), placement,
                system.settings().config().getDuration("fabric.sharding.unasked-allocation-delay"));
    }

    /** Guests' entities: demand first, and away from the members that run the guests. */
    private static DemandFirstAllocation guestAllocation(ActorSystem<?> system, ClusterSharding sharding) {
        HostedGuestShards hosted = HostedGuestShards.get(system);
        return demandFirst(system, new AwayFromHostAllocation(Adapter.toClassic(system),
                sharding.defaultShardAllocationStrategy(ClusterShardingSettings.create(system)), hosted::byMember,
                system.settings().config().getInt("fabric.sharding.guest-moves-per-rebalance"),
                system.settings().config().getDuration("fabric.sharding.guest-moves-quiet")));
    }

    public FabricServices services() {
        return services;
    }

    /** The guests started because the host booted (onboot), in order, once all were tried; empty if it did not boot. */
    public CompletionStage<List<Integer>> onbootStarts() {
        return onbootStarts;
    }

    /** HA on this member: its agents, and the way to the manager. */
    public HaRuntime ha() {
        return ha;
    }

    public ActorSystem<Void> system() {
        return system;
    }

    /**
     * Completes when the member has stopped: true once its actor system terminated, false when its shutdown ran
     * every phase first (see {@link MemberStop}).
     */
    public CompletionStage<Boolean> stopped() {
        return stopped;
    }

    /** Why the member stopped, when it did not stop because it was asked to (downed, refused at join). */
    public Optional<String> stopProblem() {
        return ClusterJoin.stopProblem(system);
    }

    /** Stops cleanly: unbinds the API, saves a simulated host, closes the journal; waits for all of it. */
    @Override
    public void close() {
        long began = System.nanoTime();
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
            LOG.info("node {} stopped in {} ms", settings.nodeName(), (System.nanoTime() - began) / 1_000_000);
        } catch (Exception e) {
            throw new IllegalStateException("the node did not stop within 60 s: " + e.getMessage(), e);
        }
    }
}
