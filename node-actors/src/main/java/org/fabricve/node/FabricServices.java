package org.fabricve.node;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.config.VolumeRequest;
import org.fabricve.core.guest.GuestOperation;
import org.fabricve.core.guest.GuestState;
import org.fabricve.core.hypervisor.DomainStatus;
import org.fabricve.core.hypervisor.HostInfo;
import org.fabricve.core.node.NodeState;
import org.fabricve.core.storage.StorageDefinition;
import org.fabricve.core.task.TaskRecord;
import org.fabricve.core.task.Upid;
import org.fabricve.persistence.view.ClusterView;

/**
 * What the gateway (and any other client inside the JVM) may ask of the fabric: asks to the sharded
 * entities and agents, reads of the cluster view. Everything returns a CompletionStage; nothing blocks.
 */
public final class FabricServices {

    private final ActorSystem<?> system;
    private final ClusterSharding sharding;
    private final ClusterView view;
    private final AgentDirectory agents;
    private final ClusterHealth health;
    private final String localNode;
    private final Clock clock;
    private final Duration askTimeout;
    /** How long one ask for a task's end waits before it is asked again (a waiter may die with its entity). */
    private static final Duration TASK_WAIT_SLICE = Duration.ofSeconds(2);
    private final long processStart;
    private final AtomicLong taskCounter = new AtomicLong();

    public FabricServices(ActorSystem<?> system, ClusterSharding sharding, ClusterView view, AgentDirectory agents,
                          ClusterHealth health, String localNode, Clock clock, Duration askTimeout) {
        this.system = system;
        this.health = health;
        this.sharding = sharding;
        this.view = view;
        this.agents = agents;
        this.localNode = localNode;
        this.clock = clock;
        this.askTimeout = askTimeout;
        this.processStart = clock.instant().getEpochSecond();
    }

    public ActorSystem<?> system() {
        return system;
    }

    public ClusterView view() {
        return view;
    }

    public String localNode() {
        return localNode;
    }

    public Clock clock() {
        return clock;
    }

    /** When this member started (epoch seconds): the base of node uptimes. */
    public long startedAt() {
        return processStart;
    }

    /**
     * A node is online while its agent is listed and the member running that agent is reachable from here
     * (a member cut off or downed takes its own node and the hosts it simulates offline with it).
     */
    public boolean online(String node) {
        var agent = agents.agentFor(node);
        // a node the list does not hold: its agent's member must still be in the cluster and reachable (the
        // receptionist lists a removed member's agents for a moment after its removal)
        return agent.isPresent() && health.memberReachable(node).orElseGet(() -> memberReachable(agent.get().path().address()));
    }

    private boolean memberReachable(Address address) {
        if (address.hasLocalScope()) return true;
        var state = Cluster.get(system).state();
        for (var m : state.getUnreachable()) {
            if (m.address().equals(address)) return false;
        }
        for (var m : state.getMembers()) {
            if (m.address().equals(address)) return m.status() == MemberStatus.up();
        }
        return false;
    }

    /** Whether this member runs the agent of {@code node} (its host is this machine). */
    public boolean isLocal(String node) {
        return agents.isLocal(node);
    }

    public ClusterHealth health() {
        return health;
    }

    /** Every node this member sees online now. */
    public java.util.Set<String> onlineNodes() {
        var online = new java.util.TreeSet<String>();
        for (var n : health.nodes().nodes()) {
            if (online(n.name())) {
                online.add(n.name());
            }
        }
        for (var n : view.nodes()) {
            if (online(n.node())) {
                online.add(n.node());
            }
        }
        return online;
    }

    public CompletionStage<ClusterNodesEntity.Reply> addClusterNode(org.fabricve.core.cluster.ClusterNode node) {
        return clusterNodes().ask(r -> new ClusterNodesEntity.Add(node, r), askTimeout);
    }

    public CompletionStage<ClusterNodesEntity.Reply> removeClusterNode(String name) {
        return clusterNodes().ask(r -> new ClusterNodesEntity.Remove(name, health.localMember(), onlineNodes(), r),
                askTimeout);
    }

    /** This member and the hosts it simulates enter the configured node list (idempotent). */
    public CompletionStage<ClusterNodesEntity.Reply> registerMember(org.fabricve.core.cluster.ClusterNode member,
                                                                     List<String> hosted) {
        return clusterNodes().ask(r -> new ClusterNodesEntity.Register(member, hosted, r), askTimeout);
    }

    private EntityRef<ClusterNodesEntity.Command> clusterNodes() {
        return sharding.entityRefFor(ClusterNodesEntity.TYPE_KEY, ClusterNodesEntity.ENTITY_ID);
    }

    /** A fresh task id for an operation started on {@code node} by {@code user}. */
    public Upid newUpid(String node, String type, String id, String user) {
        return new Upid(node, taskCounter.incrementAndGet() & 0xFFFFFFFFL, processStart & 0xFFFFFFFFL,
                clock.instant().getEpochSecond(), type, id, user);
    }

    public CompletionStage<GuestState> guest(int vmid) {
        return guestRef(vmid).ask(GuestEntity.Get::new, askTimeout);
    }

    public CompletionStage<GuestEntity.Reply> create(int vmid, GuestType type, String node, GuestConfig config,
                                                      List<VolumeRequest> volumes, boolean start, Upid upid) {
        return guestRef(vmid).ask(r -> new GuestEntity.Create(vmid, type, node, config, volumes, start, upid, r),
                askTimeout);
    }

    public CompletionStage<GuestEntity.Reply> operate(int vmid, GuestOperation operation, Upid upid) {
        return operate(vmid, operation, upid, null);
    }

    /** {@code shutdown}: how a shutdown waits (null: Proxmox's defaults). */
    public CompletionStage<GuestEntity.Reply> operate(int vmid, GuestOperation operation, Upid upid,
                                                       org.fabricve.core.guest.ShutdownOptions shutdown) {
        return guestRef(vmid).ask(r -> new GuestEntity.Operate(vmid, operation, upid, shutdown, r), askTimeout);
    }

    public CompletionStage<GuestEntity.Reply> changeConfig(int vmid, GuestConfig basedOn, GuestConfig target,
                                                            List<VolumeRequest> volumes, Upid upid) {
        return guestRef(vmid).ask(r -> new GuestEntity.ChangeConfig(vmid, basedOn, target, volumes, upid, r),
                askTimeout);
    }

    /** Moves the guest's home to {@code node} (HA relocation, or recovery after a fence). */
    public CompletionStage<GuestEntity.Reply> moveHome(int vmid, String node, boolean fenced, String reason) {
        return moveHome(vmid, node, fenced, reason, askTimeout);
    }

    /**
     * As {@link #moveHome(int, String, boolean, String)}, waiting at most {@code timeout}: a recovery retries each
     * round, and a message sent to the shard home of a member that is gone is lost until that member is downed;
     * a short wait lets the retry after the shard moved come at once instead of after the full ask timeout.
     */
    public CompletionStage<GuestEntity.Reply> moveHome(int vmid, String node, boolean fenced, String reason, Duration timeout) {
        return guestRef(vmid).ask(r -> new GuestEntity.MoveHome(vmid, node, fenced, reason, r), timeout);
    }

    public CompletionStage<Done> defineStorage(StorageDefinition definition) {
        return sharding.entityRefFor(StorageEntity.TYPE_KEY, definition.storage())
                .ask(r -> new StorageEntity.Define(definition, r), askTimeout);
    }

    /** Journals a finished task of a node itself (not of a guest), so that its UPID can be read like any task's. */
    public CompletionStage<Done> recordNodeTask(TaskRecord task) {
        return sharding.entityRefFor(NodeEntity.TYPE_KEY, task.node())
                .ask(r -> new NodeEntity.RecordTask(task, r), askTimeout);
    }

    /** The domain as the node's hypervisor sees it now; empty when the node is offline or has no such domain. */
    public CompletionStage<Optional<DomainStatus>> liveDomain(String node, int vmid) {
        return agents.agentFor(node)
                .map(a -> org.apache.pekko.actor.typed.javadsl.AskPattern.<NodeAgent.Command, NodeAgent.DomainResult>ask(
                        a, r -> new NodeAgent.QueryDomain(vmid, r), askTimeout, system.scheduler())
                        .thenApply(r -> Optional.ofNullable(r.domain())))
                .orElse(CompletableFuture.completedFuture(Optional.empty()));
    }

    /** The host path of the guest's serial console on its node; empty when it has none or is not running. */
    public CompletionStage<Optional<String>> serialConsole(String node, int vmid) {
        return agents.agentFor(node)
                .map(a -> org.apache.pekko.actor.typed.javadsl.AskPattern.<NodeAgent.Command, NodeAgent.ConsoleResult>ask(
                        a, r -> new NodeAgent.QueryConsole(vmid, r), askTimeout, system.scheduler())
                        .thenApply(r -> Optional.ofNullable(r.path())))
                .orElse(CompletableFuture.completedFuture(Optional.empty()));
    }

    /**
     * The guest's serial console as a flow (bytes typed in, bytes printed out), from any member: the pty
     * itself when this member runs the node, else the owning agent's offer over stream refs. Empty when the
     * guest has none, is not running, or its node is offline.
     */
    public CompletionStage<Optional<Flow<ByteString, ByteString, NotUsed>>> console(String node, int vmid) {
        if (isLocal(node)) {
            // no detour through refs: the pty is on this machine
            return serialConsole(node, vmid).thenApply(p -> p.map(path -> PtyConsole.of(Path.of(path))));
        }
        return agents.agentFor(node)
                .map(a -> org.apache.pekko.actor.typed.javadsl.AskPattern.<NodeAgent.Command, ConsoleRefs>ask(
                        a, r -> new NodeAgent.OpenConsole(vmid, r), askTimeout, system.scheduler())
                        .thenApply(refs -> Optional.of(refs).filter(ConsoleRefs::offered).map(ConsoleRefs::flow)))
                .orElse(CompletableFuture.completedFuture(Optional.empty()));
    }

    public CompletionStage<NodeAgent.PoolsResult> pools(String node) {
        return agents.agentFor(node)
                .map(a -> org.apache.pekko.actor.typed.javadsl.AskPattern.<NodeAgent.Command, NodeAgent.PoolsResult>ask(
                        a, NodeAgent.QueryPools::new, askTimeout, system.scheduler()))
                .orElse(CompletableFuture.completedFuture(
                        new NodeAgent.PoolsResult(List.of(), "node '" + node + "' is offline")));
    }

    public CompletionStage<NodeAgent.VolumesResult> volumes(String node, String storage) {
        return agents.agentFor(node)
                .map(a -> org.apache.pekko.actor.typed.javadsl.AskPattern.<NodeAgent.Command, NodeAgent.VolumesResult>ask(
                        a, r -> new NodeAgent.QueryVolumes(storage, r), askTimeout, system.scheduler()))
                .orElse(CompletableFuture.completedFuture(
                        new NodeAgent.VolumesResult(List.of(), "node '" + node + "' is offline")));
    }

    public Optional<HostInfo> host(String node) {
        return view.node(node).map(NodeState::host);
    }

    /**
     * Completes with the guest's state once the task is no longer running there, polling the entity (the
     * authority) at a short interval, or fails after the timeout.
     */
    public CompletionStage<GuestState> awaitTask(int vmid, String upid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<GuestState> result = new CompletableFuture<>();
        awaitTaskUntil(vmid, upid, deadline, result);
        return result;
    }

    /**
     * The entity answers when the task ends. Its waiter dies with its incarnation (a shard moved, a member left),
     * so the ask is bounded by {@link #TASK_WAIT_SLICE} and asked again until the deadline: a lost waiter costs at
     * most a slice, where polling cost an ask every few milliseconds for as long as the task ran.
     */
    private void awaitTaskUntil(int vmid, String upid, long deadline, CompletableFuture<GuestState> result) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            result.completeExceptionally(new TimeoutException("task " + upid + " still running"));
            return;
        }
        Duration slice = Duration.ofNanos(Math.min(left, TASK_WAIT_SLICE.toNanos()));
        guestRef(vmid).ask((ActorRef<GuestState> r) -> new GuestEntity.AwaitTask(upid, r), slice)
                .whenComplete((state, failure) -> {
                    Throwable cause = failure instanceof CompletionException ce && ce.getCause() != null
                            ? ce.getCause() : failure;
                    if (cause == null) result.complete(state);
                    else if (cause instanceof TimeoutException) awaitTaskUntil(vmid, upid, deadline, result);
                    else result.completeExceptionally(cause);
                });
    }

    private EntityRef<GuestEntity.Command> guestRef(int vmid) {
        return sharding.entityRefFor(GuestEntity.TYPE_KEY, Integer.toString(vmid));
    }
}
