package org.fabricve.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.remote.RemoteActorRefProvider;
import org.apache.pekko.remote.transport.ThrottlerTransportAdapter;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.guest.Guest;
import org.fabricve.core.hypervisor.DomainStatus;
import org.fabricve.core.hypervisor.Hypervisor;
import org.fabricve.ha.manager.CrmCommand;
import org.fabricve.ha.manager.HaStatus;
import org.fabricve.ha.manager.HaTimings;
import org.fabricve.ha.manager.LrmMode;
import org.fabricve.ha.manager.ManagerState;
import org.fabricve.ha.manager.NodeState;
import org.fabricve.ha.manager.NodeStatus;
import org.fabricve.ha.model.HaConfig;
import org.fabricve.ha.model.ServiceConfig;
import org.fabricve.ha.model.Sid;
import org.fabricve.ha.runtime.HaManagerEntity;
import org.fabricve.ha.scenario.ClusterUnderTest;
import org.fabricve.ha.scenario.Scenario;
import org.fabricve.ha.scenario.ServicesSettled;
import org.fabricve.ha.scenario.TimelineCommand;
import org.fabricve.persistence.JournalStore;

/**
 * A scenario's cluster made of real members in this JVM: one {@link FabricNode} (actor system, journal on a
 * shared in-memory H2, sharded entities, node agent, HA acceptor, agent and manager singleton) per scenario
 * node, each with its own libvirt test-driver host; timings shortened, protocol unchanged. {@code power off}
 * cuts the member off the network, kills its host's guests and terminates it without a goodbye; {@code network
 * off} blackholes its cluster traffic in Artery's test transport (a member the others downed meanwhile is
 * restarted when its network comes back, as an init system would); time is real time.
 */
public final class RealHaCluster implements ClusterUnderTest {

    /**
     * Runner timings: the production lease (5 s) and online timeout (2.5 s), because scenario files speak of
     * them in seconds ("a blip shorter than the lease": {@code delay 2}); rounds and renewals twice as often,
     * and a guest stop bound of 0.5 s (test-driver guests stop at once), so a fence is proven in 5.6 s.
     */
    public static final HaTimings TIMINGS = new HaTimings(500, 500, 5_000, 500, 0.01, 2_500);
    private static final Duration START = Duration.ofSeconds(60);
    private static final long QUIET_MILLIS = 1_200;
    /** FABRIC_HA_TRACE=1: every step of the cluster on stderr as it happens (a stuck scenario shows where). */
    private static final boolean TRACE = "1".equals(System.getenv("FABRIC_HA_TRACE"));

    private final Scenario scenario;
    private final Path dir;
    private final JournalStore store;
    private final Config extra;
    private final Map<String, FabricNode> members = new LinkedHashMap<>();
    private final Map<String, Boolean> networkOn = new HashMap<>();
    private final Map<String, Boolean> rebootAfterLeave = new HashMap<>();
    /** Nodes an operator put in maintenance; any other node in maintenance is on its way back from a reboot. */
    private final Set<String> maintenanceAsked = new TreeSet<>();
    private final Map<String, CompletableFuture<Void>> closing = new HashMap<>();
    /** A member keeps its cluster port across restarts, as `fabric up` does: the node list in the journal names it. */
    private final Map<String, Integer> clusterPorts = new ConcurrentHashMap<>();
    /** Downed members an init system is starting again, each on its own: a restart waits for the others' restarts. */
    private final Map<String, CompletableFuture<FabricNode>> restarting = new HashMap<>();
    private final List<String> log = new ArrayList<>();
    private final long began = System.nanoTime();
    private Map<Sid, HaStatus.ServiceView> lastStatus = Map.of();
    private ManagerState lastManager;
    private long quietSince = System.nanoTime();

    public RealHaCluster(Scenario scenario, Path dir) throws Exception {
        this.scenario = scenario;
        this.dir = dir;
        this.store = new JournalStore.SharedMemoryH2("hasim_" + Long.toHexString(System.nanoTime()));
        List<String> fails = new ArrayList<>();
        scenario.failing().forEach((sid, nodes) -> nodes.forEach(n -> fails.add(sid + "@" + n)));
        Map<String, Object> c = new HashMap<>();
        c.put("fabric.cluster-name", "hasim");
        c.put("fabric.ha.round", TIMINGS.roundMillis() + "ms");
        c.put("fabric.ha.renew", TIMINGS.renewMillis() + "ms");
        c.put("fabric.ha.lease", TIMINGS.leaseMillis() + "ms");
        c.put("fabric.ha.guest-stop", TIMINGS.guestStopMillis() + "ms");
        c.put("fabric.ha.online-timeout", TIMINGS.onlineTimeoutMillis() + "ms");
        c.put("fabric.ha.test-start-fails", fails);
        c.put("fabric.join-timeout", "20s");
        c.put("pekko.remote.artery.advanced.test-mode", "on");
        c.put("pekko.cluster.failure-detector.heartbeat-interval", "200ms");
        c.put("pekko.cluster.failure-detector.acceptable-heartbeat-pause", "1s");
        // longer than a scenario's short blip (2 s), shorter than the fence: a cut-off member is downed, as in production
        c.put("pekko.cluster.split-brain-resolver.stable-after", "2500ms");
        c.put("pekko.cluster.singleton.hand-over-retry-interval", "200ms");
        c.put("pekko.coordinated-shutdown.phases.cluster-leave.timeout", "2s");
        c.put("pekko.coordinated-shutdown.phases.cluster-exiting.timeout", "2s");
        c.put("pekko.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout", "2s");
        c.put("pekko.loglevel", "WARNING");
        this.extra = ConfigFactory.parseMap(c);
        setUp();
    }

    /**
     * Scenario nodes are off at time zero and the first step usually powers them on. Guests must exist on their
     * hypervisors before HA manages them, so every node starts, the guests are created (stopped), the nodes the
     * first step does not power on go down again, and only then are the resources, rules and options written.
     */
    private void setUp() throws Exception {
        HaConfig config = scenario.config();
        for (String n : config.nodes()) powerOn(n);
        for (ServiceConfig s : config.services().values()) createGuest(s.sid(), s.node());
        Set<String> firstOn = new TreeSet<>();
        if (!scenario.timeline().isEmpty()) {
            for (TimelineCommand c : scenario.timeline().get(0)) {
                if (c instanceof TimelineCommand.Power p && p.on()) firstOn.add(p.node());
            }
        }
        for (String n : config.nodes()) {
            if (!firstOn.contains(n)) members.remove(n).close();
        }
        var any = anyMember();
        check(any.ha().putOptions(config.crs(), config.shutdownPolicy()), "options");
        for (ServiceConfig s : config.services().values()) check(any.ha().putResource(s, true), s.sid().toString());
        if (!config.rules().isEmpty()) check(any.ha().putRules(config.rules()), "rules");
        note("set up: " + members.keySet() + " running, " + config.services().size() + " resources");
    }

    private static void check(CompletionStage<HaManagerEntity.Answer> stage, String what) throws Exception {
        HaManagerEntity.Answer a = stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (!a.ok()) throw new IllegalArgumentException(what + ": " + a.param() + ": " + a.message());
    }

    /**
     * An operator's request to the manager, retried as a client would while the manager's member is lost and the
     * singleton moves (the ask times out meanwhile), through whichever member has quorum; bounded.
     */
    private void request(java.util.function.Function<FabricNode, CompletionStage<HaManagerEntity.Answer>> call,
                         String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                check(call.apply(anyMember()), what);
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) throw e;
                note(what + ": the manager did not answer (" + e.getClass().getSimpleName() + "), asking again");
            }
        }
    }

    private void createGuest(Sid sid, String node) throws Exception {
        FabricNode m = members.get(node);
        if (m == null) throw new IllegalArgumentException("node '" + node + "' is powered off: cannot define " + sid + " there");
        GuestType type = sid.isVm() ? GuestType.QEMU : GuestType.LXC;
        GuestConfig cfg = GuestConfig.of(type, Map.of("memory", "64", "cores", "1", "name", "ha" + sid.vmid()));
        // a member that has just joined may not know its own node yet and refuse the create: ask again, bounded
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadline) {
            if (m.services().guest(sid.vmid()).toCompletableFuture().get(30, TimeUnit.SECONDS).exists()) return;
            var upid = m.services().newUpid(node, "qmcreate", Integer.toString(sid.vmid()), "root@pam");
            var reply = m.services().create(sid.vmid(), type, node, cfg, List.of(), false, upid).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            if (reply instanceof org.fabricve.node.GuestEntity.Rejected rj) {
                last = rj.rejection().message();
            } else {
                var task = m.services().awaitTask(sid.vmid(), upid.format(), Duration.ofSeconds(30)).toCompletableFuture()
                        .get(40, TimeUnit.SECONDS).task(upid.format());
                if (task.isPresent() && task.get().succeeded()) return;
                last = task.map(t -> "create task ended: " + t.exitStatus()).orElse("create task not found");
            }
            note("creating " + sid + " on " + node + " failed (" + last + "), trying again");
            Thread.sleep(500);
        }
        throw new IllegalStateException("cannot create " + sid + " on " + node + ": " + last);
    }

    // ---- timeline commands --------------------------------------------------------------------------------------

    @Override
    public void apply(TimelineCommand c) {
        quietSince = System.nanoTime();
        try {
            if (c instanceof TimelineCommand.Power p) {
                if (p.on()) powerOn(p.node());
                else powerOff(p.node());
            } else if (c instanceof TimelineCommand.Network n) {
                network(n.node(), n.on());
            } else if (c instanceof TimelineCommand.Shutdown s) {
                FabricNode m = members.get(s.node());
                if (m == null) throw new IllegalArgumentException("node '" + s.node() + "' is powered off");
                LrmMode mode = LrmMode.forShutdown(currentConfig().shutdownPolicy(), s.reboot());
                rebootAfterLeave.put(s.node(), s.reboot());
                m.ha().leave(s.node(), mode);
                note((s.reboot() ? "reboot " : "shutdown ") + s.node() + " (agent mode " + mode.wire() + ")");
            } else if (c instanceof TimelineCommand.SetState st) {
                ServiceConfig sc = currentConfig().service(st.sid())
                        .orElseThrow(() -> new IllegalArgumentException(st.sid() + " is not an HA resource"));
                request(m -> m.ha().putResource(sc.withState(st.state()), false), st.sid().toString());
            } else if (c instanceof TimelineCommand.Move m) {
                request(any -> any.ha().crm(m.relocate() ? new CrmCommand.Relocate(m.sid(), m.node())
                        : new CrmCommand.Migrate(m.sid(), m.node())), m.sid().toString());
            } else if (c instanceof TimelineCommand.Add a) {
                createGuest(a.sid(), a.node());
                request(m -> m.ha().putResource(ServiceConfig.of(a.sid(), a.node(), a.state()), true), a.sid().toString());
            } else if (c instanceof TimelineCommand.Delete d) {
                request(m -> m.ha().deleteResource(d.sid()), d.sid().toString());
            } else if (c instanceof TimelineCommand.Crash cr) {
                runningGuests().getOrDefault(cr.sid(), Set.of()).forEach(n ->
                        members.get(n).ha().hypervisor(n).stop(Guest.domainName(cr.sid().vmid())));
                note("guest " + cr.sid() + " crashed");
            } else if (c instanceof TimelineCommand.Maintenance m) {
                if (m.enable()) maintenanceAsked.add(m.node());
                else maintenanceAsked.remove(m.node());
                request(any -> any.ha().crm(new CrmCommand.NodeMaintenance(m.node(), m.enable())), m.node());
            } else if (c instanceof TimelineCommand.Delay d) {
                advance(d.seconds() * 1000);
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException(describe(c) + ": " + e.getMessage(), e);
        }
    }

    private static String describe(TimelineCommand c) {
        return c.getClass().getSimpleName().toLowerCase();
    }

    /**
     * A node that never ran starts here and now (set-up needs it). One that ran before boots, and its init system
     * starts {@code fabric up} in the background: it may have to wait for other members to start too before a
     * majority of them forms the cluster again ({@link ClusterFormation}), and the step settles once it is up.
     */
    private void powerOn(String node) throws Exception {
        if (members.containsKey(node) || restarting.containsKey(node)) return;
        var previous = closing.remove(node);
        networkOn.put(node, true);
        if (clusterPorts.containsKey(node)) {
            startInBackground(node, () -> {
                if (previous != null) previous.get(60, TimeUnit.SECONDS);
            });
            return;
        }
        if (previous != null) previous.get(60, TimeUnit.SECONDS);
        members.put(node, start(node));
    }

    /**
     * A member that never ran joins a running one ({@code fabric up --join}); one that ran before restarts without
     * {@code --join} on its old cluster port and finds its cluster through the node list in the journal, as
     * {@code fabric up} restarted by an init system does. Retried as that init system would.
     */
    private FabricNode start(String node) throws Exception {
        boolean ranBefore = clusterPorts.containsKey(node);
        for (int attempt = 1; ; attempt++) {
            Optional<String> join = ranBefore ? Optional.empty() : joinTarget();
            NodeSettings settings = new NodeSettings(dir.resolve(node), node, "127.0.0.1", 0,
                    clusterPorts.getOrDefault(node, 0), false, Optional.empty(), Optional.empty(), Duration.ofSeconds(1), 1,
                    store, join);
            FabricNode m;
            try {
                m = FabricNode.start(settings, extra);
            } catch (RuntimeException e) {
                if (attempt == JOIN_ATTEMPTS) throw e;
                note("power " + node + " on: joining " + join.orElse("its recorded cluster") + " failed (" + e.getMessage()
                        + "), trying again");
                Thread.sleep(1000);
                continue;
            }
            clusterPorts.put(node, address(m).getPort().get());
            note("power " + node + " on" + join.map(j -> " (joined " + j + ")")
                    .orElse(ranBefore ? " (rejoined its recorded cluster)" : " (new cluster)"));
            return m;
        }
    }

    private static final int JOIN_ATTEMPTS = 3;

    /** A running member reachable on the network, one with quorum first (the others may be about to be downed). */
    private Optional<String> joinTarget() {
        return members.entrySet().stream()
                .filter(e -> running(e.getValue()) && Boolean.TRUE.equals(networkOn.get(e.getKey())))
                .map(Map.Entry::getValue)
                .sorted(Comparator.comparing((FabricNode m) -> !m.services().health().quorate()))
                .findFirst().map(m -> address(m).getHost().get() + ":" + address(m).getPort().get());
    }

    /** A power cut: no goodbye to the others, the host's guests die at once, the process is gone. */
    private void powerOff(String node) {
        var restart = restarting.remove(node);
        if (restart != null) {
            try {
                members.put(node, restart.get(60, TimeUnit.SECONDS));
            } catch (Exception e) {
                // it did not come up: nothing runs to cut, but the node is off now and a later power-on must start it
                members.remove(node);
                markHostOff(node);
                return;
            }
        }
        FabricNode m = members.remove(node);
        if (m == null) return;
        isolate(m, true);
        Hypervisor hv = m.ha().hypervisor(node);
        for (DomainStatus d : hv.listDomains()) {
            if (d.state().active()) hv.stop(d.name());
        }
        // the goodbye-less stop runs on its own thread: the others see the member vanish now, as with a power cut
        closing.put(node, CompletableFuture.runAsync(() -> {
            m.close();
            markHostOff(node);
        }));
        note("power " + node + " off");
    }

    /** The saved test-driver host keeps nothing running: a power cut stops every domain. */
    private void markHostOff(String node) {
        Path file = dir.resolve(node).resolve("hosts").resolve(node + ".xml");
        try {
            if (Files.exists(file)) {
                String xml = Files.readString(file);
                Files.writeString(file, xml.replaceAll("(<test:runstate\\b[^>]*>)\\d+(</test:runstate>)", "$15$2"));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot power off the host file " + file + ": " + e.getMessage(), e);
        }
    }

    private void network(String node, boolean on) throws Exception {
        FabricNode m = members.get(node);
        if (m == null) throw new IllegalArgumentException("node '" + node + "' is powered off");
        networkOn.put(node, on);
        if (on && !running(m)) {
            restartDowned(node, "while cut off");
            note("network " + node + " on");
            return;
        }
        isolate(m, !on);
        note("network " + node + (on ? " on" : " off"));
    }

    /**
     * A member the split-brain resolver downed has stopped: its process exited ({@code fabric up} exits 4) but its
     * host did not, so the saved test-driver host keeps what still ran, as libvirtd keeps guests when fabric's process
     * goes; like an init system, start it again, in the background: when every member was downed, each restart
     * waits for a majority of them to be starting ({@link ClusterFormation}).
     */
    private void restartDowned(String node, String when) {
        if (restarting.containsKey(node)) return;
        FabricNode m = members.get(node);
        note("node " + node + " was downed " + when + ": restarting it");
        startInBackground(node, m::close);
    }

    /** What must be over before a member starts again: its previous process. */
    private interface Before {
        void run() throws Exception;
    }

    /** Starts a member that ran before on its own thread, once {@code before} is over; {@link #restarted} takes it in. */
    private void startInBackground(String node, Before before) {
        reconnect(node);
        restarting.put(node, CompletableFuture.supplyAsync(() -> {
            try {
                before.run();
                return start(node);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }));
    }

    /**
     * Takes in the members whose restart finished. A restart that found no majority to form the cluster with, while
     * no majority is connected, is started again, as an init system restarts {@code fabric up} after its exit 3: the
     * next step may connect one. Any other failed restart fails the step.
     */
    private void restarted() {
        for (var e : List.copyOf(restarting.entrySet())) {
            if (!e.getValue().isDone()) continue;
            restarting.remove(e.getKey());
            try {
                members.put(e.getKey(), e.getValue().join());
            } catch (CompletionException failed) {
                Throwable cause = failed.getCause() != null ? failed.getCause() : failed;
                if (cause instanceof ClusterJoin.JoinFailed && !majorityConnected()) {
                    note("node " + e.getKey() + " found no majority to rejoin: restarting it again");
                    startInBackground(e.getKey(), () -> { });
                    continue;
                }
                throw new IllegalStateException("restart of " + e.getKey() + " failed: " + cause.getMessage(), cause);
            }
        }
    }

    /** Whether the members whose network is on are a majority of the nodes: only then can a cluster form again. */
    private boolean majorityConnected() {
        long connected = members.keySet().stream().filter(n -> Boolean.TRUE.equals(networkOn.get(n))).count();
        return connected > scenario.config().nodes().size() / 2;
    }

    /**
     * A member that ran before comes back on its old cluster port: the others' transports must not still blackhole
     * that address, as they do since it was cut off or powered off, except those whose own network is off.
     */
    private void reconnect(String node) {
        Integer port = clusterPorts.get(node);
        if (port == null) return;
        Address a = new Address("pekko", "fabric", "127.0.0.1", port);
        for (Map.Entry<String, FabricNode> e : members.entrySet()) {
            if (e.getKey().equals(node) || !running(e.getValue())) continue;
            // a member cut off stays cut off from the returning one too: its side blackholes both directions
            throttle(e.getValue(), a, cutOff(e.getKey()));
        }
    }

    /**
     * Blackholes (or reconnects) every pair between {@code m} and the other members, in both directions, on both sides;
     * a member whose own network is off stays cut off from {@code m} when {@code m} reconnects.
     */
    private void isolate(FabricNode m, boolean cut) {
        Address a = address(m);
        for (Map.Entry<String, FabricNode> e : members.entrySet()) {
            FabricNode other = e.getValue();
            if (other == m || other.system().whenTerminated().isCompleted() || (!cut && cutOff(e.getKey()))) continue;
            Address b = address(other);
            throttle(m, b, cut);
            throttle(other, a, cut);
        }
    }

    private boolean cutOff(String node) {
        return Boolean.FALSE.equals(networkOn.get(node));
    }

    private static Address address(FabricNode m) {
        return Cluster.get(m.system()).selfMember().address();
    }

    /** Scala's {@code Direction.Both} object: its class name is not expressible in Java source. */
    private static final ThrottlerTransportAdapter.Direction BOTH = scalaObject(
            "org.apache.pekko.remote.transport.ThrottlerTransportAdapter$Direction$Both$");

    private static ThrottlerTransportAdapter.Direction scalaObject(String className) {
        try {
            return (ThrottlerTransportAdapter.Direction) Class.forName(className).getField("MODULE$").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Pekko's test transport is missing " + className, e);
        }
    }

    private static void throttle(FabricNode from, Address to, boolean blackhole) {
        var classic = (ExtendedActorSystem) Adapter.toClassic(from.system());
        var transport = ((RemoteActorRefProvider) classic.provider()).transport();
        ThrottlerTransportAdapter.ThrottleMode mode = blackhole
                ? ThrottlerTransportAdapter.Blackhole$.MODULE$ : ThrottlerTransportAdapter.Unthrottled$.MODULE$;
        transport.managementCommand(new ThrottlerTransportAdapter.SetThrottle(to, BOTH, mode));
    }

    // ---- time and observation -----------------------------------------------------------------------------------

    @Override
    public void advance(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        restarted();
        for (String node : List.copyOf(members.keySet())) {
            FabricNode m = members.get(node);
            if (restarting.containsKey(node)) continue;
            if (Boolean.TRUE.equals(networkOn.get(node)) && !running(m)) {
                restartDowned(node, "with its network up (it was on the minority side)");
                continue;
            }
            Boolean released = m.ha().leftNodes().get(node);
            if (released == null) continue;
            boolean reboot = rebootAfterLeave.getOrDefault(node, false);
            members.remove(node).close();
            markHostOff(node);
            note("node " + node + (reboot ? " reboots" : " shuts down") + (released ? " (lease released)" : ""));
            if (reboot) {
                try {
                    powerOn(node);
                } catch (Exception e) {
                    throw new IllegalStateException("reboot of " + node + " failed: " + e.getMessage(), e);
                }
            }
        }
        refreshStatus();
    }

    private void refreshStatus() {
        for (FabricNode m : members.values()) {
            if (m.system().whenTerminated().isCompleted() || !Boolean.TRUE.equals(networkOn.get(m.settings().nodeName()))) continue;
            try {
                HaManagerEntity.Status s = m.ha().status().toCompletableFuture().get(2, TimeUnit.SECONDS);
                if (!s.active()) continue;
                Map<Sid, HaStatus.ServiceView> now = HaStatus.current(s.config(), s.manager());
                if (!now.equals(lastStatus) || lastManager == null || !sameServices(lastManager, s.manager())) {
                    quietSince = System.nanoTime();
                    if (TRACE) System.err.printf("ha-real %8.1f  status %s nodes %s%n", elapsedMillis() / 1000.0, now,
                            s.manager().nodes().entrySet().stream().map(n -> n.getKey() + "=" + n.getValue().state()).toList());
                }
                lastStatus = now;
                lastManager = s.manager();
                lastConfig = s.config();
                return;
            } catch (Exception e) {
                // this member cannot reach the manager now; try another
            }
        }
    }

    private HaConfig lastConfig;

    private HaConfig currentConfig() {
        refreshStatus();
        return lastConfig != null ? lastConfig : scenario.config();
    }

    private static boolean sameServices(ManagerState a, ManagerState b) {
        if (!a.services().equals(b.services())) return false;
        for (var e : a.nodes().entrySet()) {
            NodeStatus other = b.node(e.getKey());
            if (other == null || other.state() != e.getValue().state()) return false;
        }
        return true;
    }

    /** Real time: a step that has not settled in this long will not (the slowest, a fence, takes seconds). */
    @Override
    public long settleTimeoutMillis() {
        return 120_000;
    }

    @Override
    public Optional<String> unsettled() {
        if (lastManager == null) return Optional.of("no manager status yet");
        // a restart without a connected majority waits for the next step to connect one: it cannot end before
        if (!restarting.isEmpty() && majorityConnected()) return Optional.of("restarting " + restarting.keySet());
        if (!anyQuorate()) {
            // the members whose network is on reach each other: as many as a majority regain quorum, soon
            if (majorityConnected()) return Optional.of("no quorum yet, but a majority of the nodes are connected");
            return unmanaged();
        }
        for (String node : rebootAfterLeave.keySet()) {
            FabricNode m = members.get(node);
            if (m != null && !m.ha().leftNodes().isEmpty()) return Optional.of(node + " is leaving");
        }
        for (String node : members.keySet()) {
            // a running, connected node must be known to the manager (it renewed), else it is still joining
            if (!Boolean.TRUE.equals(networkOn.get(node))) continue;
            NodeState st = lastManager.nodeState(node);
            if (st != NodeState.ONLINE && st != NodeState.MAINTENANCE) return Optional.of(node + " is " + st + " to the manager");
            if (st == NodeState.MAINTENANCE && !maintenanceAsked.contains(node)) {
                return Optional.of(node + " is back from a reboot but still in maintenance to the manager");
            }
        }
        for (var e : lastManager.nodes().entrySet()) {
            if (e.getValue().state() == NodeState.FENCE) return Optional.of(e.getKey() + " is being fenced");
            // a node that is down or cut off but still looks up to the manager is about to be noticed lost
            boolean up = members.containsKey(e.getKey()) && Boolean.TRUE.equals(networkOn.get(e.getKey()));
            if (!up && (e.getValue().state() == NodeState.ONLINE || e.getValue().state() == NodeState.MAINTENANCE)
                    && !e.getValue().released()) return Optional.of(e.getKey() + " is being lost");
        }
        Optional<String> services = ServicesSettled.pending(lastConfig, lastManager);
        if (services.isPresent()) return services;
        long quiet = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - quietSince);
        return quiet >= QUIET_MILLIS ? Optional.empty() : Optional.of("quiet for " + quiet + " ms only");
    }

    private boolean anyQuorate() {
        return members.entrySet().stream().anyMatch(e -> Boolean.TRUE.equals(networkOn.get(e.getKey()))
                && running(e.getValue()) && e.getValue().services().health().quorate());
    }

    private static boolean running(FabricNode m) {
        return !m.system().whenTerminated().isCompleted() && m.stopProblem().isEmpty();
    }

    /**
     * No majority anywhere: no manager decides, its last status stays as it was (as Proxmox's does without quorum);
     * what remains to happen is every running member fencing itself when its lease runs out.
     */
    private Optional<String> unmanaged() {
        for (Map.Entry<String, FabricNode> e : members.entrySet()) {
            if (!running(e.getValue())) continue;
            try {
                if (e.getValue().ha().agentState(e.getKey()).toCompletableFuture().get(2, TimeUnit.SECONDS).holdsLease()) {
                    return Optional.of("no quorum anywhere and " + e.getKey() + " still holds its lease");
                }
            } catch (Exception unanswered) {
                return Optional.of("no quorum anywhere and " + e.getKey() + "'s agent does not answer");
            }
        }
        long quiet = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - quietSince);
        return quiet >= QUIET_MILLIS ? Optional.empty() : Optional.of("quiet for " + quiet + " ms only");
    }

    @Override
    public Map<Sid, HaStatus.ServiceView> status() {
        refreshStatus();
        return lastStatus;
    }

    /** Asks every running member's hypervisor which fabric guests run there. */
    @Override
    public Map<Sid, Set<String>> runningGuests() {
        Map<Integer, Sid> sids = new HashMap<>();
        scenario.config().services().keySet().forEach(s -> sids.put(s.vmid(), s));
        if (lastConfig != null) lastConfig.services().keySet().forEach(s -> sids.put(s.vmid(), s));
        Map<Sid, Set<String>> out = new TreeMap<>();
        for (Map.Entry<String, FabricNode> e : members.entrySet()) {
            Hypervisor hv = e.getValue().ha().hypervisor(e.getKey());
            if (hv == null) continue;
            List<DomainStatus> domains;
            try {
                domains = hv.listDomains();
            } catch (RuntimeException closed) {
                continue; // the member is stopping; its connection is gone with its guests
            }
            for (DomainStatus d : domains) {
                if (!d.state().active()) continue;
                Guest.vmidOfDomain(d.name()).ifPresent(vmid -> out.computeIfAbsent(
                        sids.getOrDefault(vmid, new Sid(Sid.Type.VM, vmid)), k -> new TreeSet<>()).add(e.getKey()));
            }
        }
        return out;
    }

    @Override
    public List<String> violations() {
        return List.of();
    }

    @Override
    public long elapsedMillis() {
        return (System.nanoTime() - began) / 1_000_000;
    }

    @Override
    public synchronized List<String> log() {
        return List.copyOf(log);
    }

    private FabricNode anyMember() {
        for (FabricNode m : members.values()) {
            if (running(m) && Boolean.TRUE.equals(networkOn.get(m.settings().nodeName())) && m.services().health().quorate()) return m;
        }
        return members.values().stream().findFirst().orElseThrow(() -> new IllegalArgumentException("no node is powered on"));
    }

    private synchronized void note(String line) {
        String entry = String.format("%8.1f  %s", elapsedMillis() / 1000.0, line);
        log.add(entry);
        if (TRACE) System.err.println("ha-real " + entry);
    }

    @Override
    public void close() {
        closing.values().forEach(CompletableFuture::join);
        restarting.forEach((node, restart) -> {
            try {
                members.put(node, restart.get(60, TimeUnit.SECONDS));
            } catch (Exception e) {
                // it did not come back; nothing to close
            }
        });
        for (FabricNode m : members.values()) {
            try {
                m.close();
            } catch (RuntimeException e) {
                // closing anyway
            }
        }
        members.clear();
    }
}
