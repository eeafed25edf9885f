package org.fabricve.ha.runtime;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.fabricve.core.hypervisor.Hypervisor;
import org.fabricve.ha.agent.AgentState;
import org.fabricve.ha.manager.CrmCommand;
import org.fabricve.ha.manager.HaTimings;
import org.fabricve.ha.manager.LrmMode;
import org.fabricve.ha.model.CrsMode;
import org.fabricve.ha.model.Rule;
import org.fabricve.ha.model.ServiceConfig;
import org.fabricve.ha.model.ShutdownPolicy;
import org.fabricve.ha.model.Sid;
import org.fabricve.node.FabricServices;

/**
 * HA on one member: its lease acceptor, its share of the manager singleton (the proxy, and the manager itself
 * while this member is the oldest), and the local agent of each node it hosts. The API and the scenario runner
 * talk to the manager through the asks here.
 */
public final class HaRuntime {

    private final ActorSystem<?> system;
    private final FabricServices services;
    private final HaTimings timings;
    private final Set<String> startFails;
    private final ActorRef<HaManagerEntity.Command> manager;
    private final Map<String, ActorRef<HaAgentActor.Command>> agents = new ConcurrentHashMap<>();
    private final Map<String, Boolean> left = new ConcurrentHashMap<>();
    private final Map<String, Hypervisor> hypervisors = new ConcurrentHashMap<>();
    private final Duration askTimeout;

    private HaRuntime(ActorSystem<?> system, FabricServices services, HaTimings timings, Set<String> startFails,
                      ActorRef<HaManagerEntity.Command> manager) {
        this.system = system;
        this.services = services;
        this.timings = timings;
        this.startFails = startFails;
        this.manager = manager;
        this.askTimeout = system.settings().config().getDuration("fabric.ask-timeout");
    }

    public static HaRuntime start(ActorSystem<?> system, FabricServices services) {
        Config c = system.settings().config().getConfig("fabric.ha");
        HaTimings t = new HaTimings(ms(c, "round"), ms(c, "renew"), ms(c, "lease"), ms(c, "guest-stop"),
                c.getDouble("max-drift"), ms(c, "online-timeout"));
        system.systemActorOf(LeaseAcceptorActor.create(services.localNode(), t), "ha-lease-acceptor", Props.empty());
        ActorRef<HaManagerEntity.Command> manager = ClusterSingleton.get(system).init(
                SingletonActor.of(HaManagerEntity.create(new HaManagerEntity.Settings(services, t)), "ha-manager"));
        return new HaRuntime(system, services, t, new HashSet<>(c.getStringList("test-start-fails")), manager);
    }

    private static long ms(Config c, String key) {
        return c.getDuration(key).toMillis();
    }

    /** Starts the local agent of {@code node}, whose hypervisor this member drives; its generation lives in {@code stateDir}. */
    public void startAgent(String node, Hypervisor hypervisor, Executor blocking, Path stateDir) {
        HaAgentActor.StartGate gate = (sid, n) -> startFails.contains(sid + "@" + n) || startFails.contains(sid + "@*");
        HaAgentActor.Settings s = new HaAgentActor.Settings(node, hypervisor, blocking, services, manager, timings,
                stateDir.resolve("ha").resolve(node + ".generation"), gate, release -> left.put(node, release));
        hypervisors.put(node, hypervisor);
        agents.put(node, system.systemActorOf(HaAgentActor.create(s), HaKeys.agentName(node), Props.empty()));
    }

    /** The hypervisor of a node this member hosts (the scenario runner reads and crashes guests through it). */
    public Hypervisor hypervisor(String node) {
        return hypervisors.get(node);
    }

    public HaTimings timings() {
        return timings;
    }

    /** Nodes of this member whose agent finished a graceful shutdown's HA part (true: lease released). */
    public Map<String, Boolean> leftNodes() {
        return Map.copyOf(left);
    }

    /** A graceful shutdown or reboot of a node of this member begins (the shutdown policy chose {@code mode}). */
    public void leave(String node, LrmMode mode) {
        ActorRef<HaAgentActor.Command> a = agents.get(node);
        if (a == null) throw new IllegalArgumentException("node '" + node + "' has no HA agent on this member");
        a.tell(new HaAgentActor.Leave(mode));
    }

    /** This member is going without a goodbye: each of its agents kills its HA guests now; done once all are dead. */
    public CompletionStage<Void> fenceAll(Duration timeout) {
        CompletableFuture<?>[] all = agents.values().stream().map(a -> AskPattern.ask(a, HaAgentActor.FenceNow::new,
                timeout, system.scheduler()).toCompletableFuture()).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all);
    }

    public CompletionStage<AgentState> agentState(String node) {
        return AskPattern.ask(agents.get(node), HaAgentActor.GetState::new, askTimeout, system.scheduler());
    }

    public CompletionStage<HaManagerEntity.Status> status() {
        return AskPattern.ask(manager, HaManagerEntity.GetStatus::new, askTimeout, system.scheduler());
    }

    public CompletionStage<HaManagerEntity.Answer> putResource(ServiceConfig resource, boolean create) {
        return AskPattern.ask(manager, r -> new HaManagerEntity.PutResource(resource, create, r), askTimeout, system.scheduler());
    }

    public CompletionStage<HaManagerEntity.Answer> deleteResource(Sid sid) {
        return AskPattern.ask(manager, r -> new HaManagerEntity.DeleteResource(sid, r), askTimeout, system.scheduler());
    }

    public CompletionStage<HaManagerEntity.Answer> putRules(List<Rule> rules) {
        return AskPattern.ask(manager, r -> new HaManagerEntity.PutRules(rules, r), askTimeout, system.scheduler());
    }

    public CompletionStage<HaManagerEntity.Answer> putOptions(CrsMode crs, ShutdownPolicy policy) {
        return AskPattern.ask(manager, r -> new HaManagerEntity.PutOptions(crs, policy, r), askTimeout, system.scheduler());
    }

    public CompletionStage<HaManagerEntity.Answer> crm(CrmCommand command) {
        return AskPattern.ask(manager, r -> new HaManagerEntity.Crm(command, r), askTimeout, system.scheduler());
    }
}
