package org.fabricve.ha.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.fabricve.core.FabricSerializable;
import org.fabricve.ha.env.HaEnvironment;
import org.fabricve.ha.env.ManagerService;
import org.fabricve.ha.lease.FenceQuorum;
import org.fabricve.ha.manager.CommandResult;
import org.fabricve.ha.manager.CrmCommand;
import org.fabricve.ha.manager.HaEvent;
import org.fabricve.ha.manager.HaManager;
import org.fabricve.ha.manager.HaTimings;
import org.fabricve.ha.manager.ManagerReply;
import org.fabricve.ha.manager.NodeCommand;
import org.fabricve.ha.manager.ManagerState;
import org.fabricve.ha.manager.NodeCapacity;
import org.fabricve.ha.manager.NodeReport;
import org.fabricve.ha.manager.NodeStatus;
import org.fabricve.ha.model.HaConfig;
import org.fabricve.ha.model.HaConfigEvent;
import org.fabricve.ha.model.Rule;
import org.fabricve.ha.model.ServiceConfig;
import org.fabricve.ha.model.Sid;
import org.fabricve.node.FabricServices;
import org.fabricve.node.GuestEntity;
import org.fabricve.persistence.FabricTags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HA manager of the cluster: a cluster singleton and an event-sourced actor, the shell around the pure
 * {@link ManagerService}. Its journal holds the HA configuration's changes and every manager decision, so a
 * new incarnation (after a hand-over) resumes from the recovered state; lease heartbeats that change nothing
 * are not journalled. Orders, home moves and replies leave only after the events that justify them are
 * persisted. A lost node counts as fenced when a majority of lease acceptors closed its generation and were
 * silent towards it for the fence bound ({@link FenceQuorum}); the manager's own clock proves nothing here,
 * because leases come from the acceptors, not from it.
 */
public final class HaManagerEntity extends EventSourcedBehavior<HaManagerEntity.Command, FabricSerializable, HaManagerEntity.State> {

    private static final Logger LOG = LoggerFactory.getLogger(HaManagerEntity.class);
    public static final PersistenceId PERSISTENCE_ID = PersistenceId.of("HaManager", "cluster");

    /**
     * The journalled state: the configuration (without the node list, which is the cluster's), the manager's, and
     * the homes of recovered guests still to be confirmed.
     */
    public record State(HaConfig config, ManagerState manager, RecoveredHomes recovered) {
    }

    public sealed interface Command extends FabricSerializable {
    }

    /** A node's renewal report (its lease comes from the acceptors; the answer carries its orders). */
    public record Report(NodeReport report, ActorRef<HaAgentActor.Command> replyTo) implements Command {
    }

    /** An acceptor's answer to a probe ({@code closed} false) or a close of {@code node}'s {@code generation}. */
    public record Silence(String node, long generation, boolean closed, String member, long silentMillis) implements Command {
    }

    public record PutResource(ServiceConfig resource, boolean create, ActorRef<Answer> replyTo) implements Command {
    }

    public record DeleteResource(Sid sid, ActorRef<Answer> replyTo) implements Command {
    }

    public record PutRules(List<Rule> rules, ActorRef<Answer> replyTo) implements Command {
    }

    public record PutOptions(org.fabricve.ha.model.CrsMode crs, org.fabricve.ha.model.ShutdownPolicy shutdownPolicy,
                             ActorRef<Answer> replyTo) implements Command {
    }

    public record Crm(CrmCommand command, ActorRef<Answer> replyTo) implements Command {
    }

    public record GetStatus(ActorRef<Status> replyTo) implements Command {
    }

    /** {@code ok}, or the parameter at fault and why; nothing changed then. */
    public record Answer(boolean ok, String param, String message) implements FabricSerializable {
        static final Answer OK = new Answer(true, null, null);

        static Answer bad(String param, String message) {
            return new Answer(false, param, message);
        }
    }

    /** The configuration on the current node list, the manager's state, where it runs and whether it acts. */
    public record Status(HaConfig config, ManagerState manager, String managerNode, boolean active, long now)
            implements FabricSerializable {
    }

    private record Round() implements Command {
    }

    private record AgentsListed(Receptionist.Listing listing) implements Command {
    }

    private record AcceptorsListed(Receptionist.Listing listing) implements Command {
    }

    private record Moved(Sid sid, String to, boolean ok, String message) implements Command {
    }

    /** The manager's settings: the agents' timings (the fence bound) and the services it drives. */
    public record Settings(FabricServices services, HaTimings timings) {
    }

    private final ActorContext<Command> ctx;
    private final Settings settings;
    private final HaTimings managerTimings;
    private ManagerService service;
    private State current;
    private final List<FabricSerializable> toPersist = new ArrayList<>();
    private final List<Runnable> outbox = new ArrayList<>();
    private final List<CrmCommand> crmQueue = new ArrayList<>();
    private final Map<String, ActorRef<HaAgentActor.Command>> agents = new HashMap<>();
    private final Set<ActorRef<LeaseAcceptorActor.Command>> acceptors = new HashSet<>();
    private final Map<String, FenceQuorum> probes = new HashMap<>();
    private final Map<String, FenceQuorum> closes = new HashMap<>();
    private final Map<Sid, String> pendingMoves = new TreeMap<>();
    /** MoveHome asks per guest in flight: one more each round, up to this many, each waiting this many rounds. */
    private static final int MOVE_ASKS = 4;
    private final Map<Sid, Integer> moveAsksInFlight = new HashMap<>();
    /**
     * How soon an extra round follows news that lets a service go on (a home moved, a node reported results):
     * waiting for the next regular round would add up to a round per step of a recovery.
     */
    private static final Duration SOON = Duration.ofMillis(20);
    private static final String SOON_KEY = "round-soon";
    private final TimerScheduler<Command> timers;
    private final Map<String, Map<Long, CommandResult>> resultsSeen = new HashMap<>();
    private final Map<String, SentOrders> sentOrders = new HashMap<>();

    private record SentOrders(HaAgentActor.Orders orders, long at) {
    }

    private HaManagerEntity(ActorContext<Command> ctx, TimerScheduler<Command> timers, Settings settings) {
        super(PERSISTENCE_ID, SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
        this.ctx = ctx;
        this.timers = timers;
        this.settings = settings;
        this.managerTimings = ownClockProofOff(settings.timings());
    }

    /**
     * The manager's own timings with its own-clock lease proof switched off (a lease it never grants cannot
     * run out on its clock): online timeout, rounds and renewals as the agents have them.
     */
    static HaTimings ownClockProofOff(HaTimings t) {
        return new HaTimings(t.roundMillis(), t.renewMillis(), Long.MAX_VALUE / 4, t.guestStopMillis(), t.maxDrift(),
                t.onlineTimeoutMillis());
    }

    public static Behavior<Command> create(Settings settings) {
        return Behaviors.setup(ctx -> {
            // one adapter per message class: both listings arrive through it and are told apart by key
            ActorRef<Receptionist.Listing> listings = ctx.messageAdapter(Receptionist.Listing.class,
                    l -> l.isForKey(HaKeys.AGENTS) ? new AgentsListed(l) : new AcceptorsListed(l));
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(HaKeys.AGENTS, listings));
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(HaKeys.ACCEPTORS, listings));
            return Behaviors.withTimers(timers -> {
                timers.startTimerWithFixedDelay(new Round(), Duration.ofMillis(settings.timings().roundMillis()));
                return new HaManagerEntity(ctx, timers, settings);
            });
        });
    }

    @Override
    public State emptyState() {
        return new State(HaConfig.empty(List.of()), ManagerState.empty(), RecoveredHomes.NONE);
    }

    @Override
    public Set<String> tagsFor(FabricSerializable event) {
        return Set.of(FabricTags.ALL);
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), state -> {
            current = state;
            service = new ManagerService(new Ports(), managerTimings, state.manager());
            // the manager before this one may have gone before these moves were confirmed: ask again (idempotent)
            pendingMoves.putAll(state.recovered().homes());
            LOG.info("HA manager recovered on {}: {} resources, {} services{}", settings.services().localNode(),
                    state.config().services().size(), state.manager().services().size(), state.recovered().homes().isEmpty()
                            ? "" : "; homes of recovered guests to confirm: " + state.recovered().homes());
        }).build();
    }

    @Override
    public EventHandler<State, FabricSerializable> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> {
            if (e instanceof HaEvent he) return new State(s.config(), HaManager.evolve(s.manager(), he), s.recovered().evolve(he));
            if (e instanceof HaConfigEvent ce) return new State(HaConfigEvent.apply(s.config(), ce), s.manager(), s.recovered());
            return s;
        });
    }

    @Override
    public CommandHandler<Command, FabricSerializable, State> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Round.class, (s, c) -> {
                    current = s;
                    if (service == null) return Effect().none();
                    fencingProbes();
                    service.round();
                    retryMoves();
                    return flush();
                })
                .onCommand(Report.class, (s, c) -> {
                    current = s;
                    // a node this manager has not taken up yet gets no answer (as if lost), not a refusal that
                    // would make it fence itself for nothing
                    if (service == null || service.state().node(c.report().node()) == null) return Effect().none();
                    Optional<ManagerReply> reply = service.receive(c.report());
                    if (reply.isPresent() && reply.get().leaseAccepted() && newResults(c.report())) roundSoon();
                    reply.ifPresent(r -> tellOrders(c.replyTo(), new HaAgentActor.Orders(withoutPendingMoves(r), c.report().generation())));
                    return flush();
                })
                .onCommand(Silence.class, (s, c) -> {
                    Map<String, FenceQuorum> answers = c.closed() ? closes : probes;
                    FenceQuorum open = answers.get(c.node());
                    if (open == null || open.generation() != c.generation()) return Effect().none();
                    FenceQuorum now = open.answered(c.member(), c.silentMillis());
                    answers.put(c.node(), now);
                    // each step of the proof goes on as soon as its answers are in, not at the next round
                    long bound = settings.timings().fenceBoundMillis();
                    if (!c.closed() && !closes.containsKey(c.node()) && now.proven(voters(), bound)) {
                        closes.put(c.node(), FenceQuorum.open(c.node(), c.generation()));
                        queryAcceptors(c.node(), c.generation(), true);
                    } else if (c.closed() && now.proven(voters(), bound) && !open.proven(voters(), bound)) {
                        roundSoon(); // the round recovers the node's services
                    }
                    return Effect().none();
                })
                .onCommand(AgentsListed.class, (s, c) -> {
                    agents.clear();
                    for (ActorRef<HaAgentActor.Command> a : c.listing().getServiceInstances(HaKeys.AGENTS)) {
                        String name = a.path().name();
                        if (name.startsWith(HaKeys.AGENT_PREFIX)) agents.put(name.substring(HaKeys.AGENT_PREFIX.length()), a);
                    }
                    return Effect().none();
                })
                .onCommand(AcceptorsListed.class, (s, c) -> {
                    acceptors.clear();
                    acceptors.addAll(c.listing().getServiceInstances(HaKeys.ACCEPTORS));
                    return Effect().none();
                })
                .onCommand(Moved.class, (s, c) -> {
                    int left = moveAsksInFlight.merge(c.sid(), -1, Integer::sum);
                    if (left <= 0) moveAsksInFlight.remove(c.sid());
                    if (c.ok() && c.to().equals(pendingMoves.get(c.sid()))) {
                        pendingMoves.remove(c.sid());
                        LOG.info("HA: home of {} moved to {}", c.sid(), c.to());
                        roundSoon(); // its held-back start order can go out now
                    }
                    else if (!c.ok() && left <= 0) LOG.warn("moving the home of {} to {} failed, retrying: {}", c.sid(), c.to(), c.message());
                    return Effect().none();
                })
                .onCommand(PutResource.class, (s, c) -> {
                    ServiceConfig r = c.resource();
                    boolean exists = s.config().services().containsKey(r.sid());
                    if (c.create() && exists) return answer(c.replyTo(), Answer.bad("sid", "resource ID '" + r.sid() + "' already defined"));
                    if (!c.create() && !exists) return answer(c.replyTo(), Answer.bad("sid", "no such resource '" + r.sid() + "'"));
                    if (!nodes().contains(r.node())) return answer(c.replyTo(), Answer.bad("node", "'" + r.node() + "' is not a cluster node"));
                    return Effect().persist(new HaConfigEvent.ResourceSet(r, c.create())).thenReply(c.replyTo(), x -> Answer.OK);
                })
                .onCommand(DeleteResource.class, (s, c) -> {
                    if (!s.config().services().containsKey(c.sid())) return answer(c.replyTo(), Answer.bad("sid", "no such resource '" + c.sid() + "'"));
                    return Effect().persist(new HaConfigEvent.ResourceRemoved(c.sid())).thenReply(c.replyTo(), x -> Answer.OK);
                })
                .onCommand(PutRules.class, (s, c) -> {
                    try {
                        HaConfigEvent.withNodes(s.config(), nodes()).withRules(c.rules());
                    } catch (IllegalArgumentException e) {
                        return answer(c.replyTo(), Answer.bad("rule", e.getMessage()));
                    }
                    return Effect().persist(new HaConfigEvent.RulesSet(c.rules())).thenReply(c.replyTo(), x -> Answer.OK);
                })
                .onCommand(PutOptions.class, (s, c) -> Effect().persist(new HaConfigEvent.OptionsSet(c.crs(), c.shutdownPolicy()))
                        .thenReply(c.replyTo(), x -> Answer.OK))
                .onCommand(Crm.class, (s, c) -> {
                    crmQueue.add(c.command());
                    return answer(c.replyTo(), Answer.OK);
                })
                .onCommand(GetStatus.class, (s, c) -> {
                    ManagerState m = service != null ? service.state() : s.manager();
                    boolean active = service != null && settings.services().health().quorate();
                    c.replyTo().tell(new Status(HaConfigEvent.withNodes(s.config(), nodes()), m,
                            settings.services().localNode(), active, LeaseAcceptorActor.now()));
                    return Effect().none();
                })
                .build();
    }

    /**
     * Queues orders for a node's agent, unless the same orders went to it less than half a round period ago: the
     * extra rounds and the reports between renewals of a recovery then tell only the nodes whose orders changed,
     * while every regular round (a full period apart) still tells every node, so a lost message costs one round.
     */
    private void tellOrders(ActorRef<HaAgentActor.Command> agent, HaAgentActor.Orders orders) {
        long now = LeaseAcceptorActor.now();
        String node = orders.reply().node();
        SentOrders last = sentOrders.get(node);
        if (last != null && last.orders().equals(orders) && now - last.at() < settings.timings().roundMillis() / 2) return;
        sentOrders.put(node, new SentOrders(orders, now));
        outbox.add(() -> agent.tell(orders));
    }

    /** One extra round shortly, however many reasons for it arrive meanwhile. */
    private void roundSoon() {
        if (!timers.isTimerActive(SOON_KEY)) timers.startSingleTimer(SOON_KEY, new Round(), SOON);
    }

    /** Whether the node reports results the manager has not seen from it yet (a round acts on them). */
    private boolean newResults(NodeReport report) {
        Map<Long, CommandResult> before = resultsSeen.put(report.node(), report.results());
        return !report.results().isEmpty() && !report.results().equals(before);
    }

    private Effect<FabricSerializable, State> answer(ActorRef<Answer> to, Answer a) {
        return Effect().none().thenReply(to, x -> a);
    }

    /** Persists what the pure manager decided, then lets its orders, moves and replies out. */
    private Effect<FabricSerializable, State> flush() {
        List<FabricSerializable> events = List.copyOf(toPersist);
        List<Runnable> effects = List.copyOf(outbox);
        toPersist.clear();
        outbox.clear();
        if (events.isEmpty()) {
            effects.forEach(Runnable::run);
            return Effect().none();
        }
        return Effect().persist(events).thenRun(x -> effects.forEach(Runnable::run));
    }

    /**
     * For every node that is not alive and whose generation is not yet proven over: probe the acceptors; once a
     * majority of probes show the fence bound of silence, close the generation (no acceptor grants it again) and
     * count the closes' answers. Probing first keeps a node that is merely late from being fenced needlessly.
     */
    private void fencingProbes() {
        ManagerState m = service.state();
        long now = LeaseAcceptorActor.now();
        List<String> voters = voters();
        long bound = settings.timings().fenceBoundMillis();
        for (Map.Entry<String, NodeStatus> e : m.nodes().entrySet()) {
            String node = e.getKey();
            NodeStatus ns = e.getValue();
            boolean open = ns.generation() >= 0 && ns.generation() > ns.fencedThrough() && !ns.alive(now, managerTimings);
            if (!open) {
                probes.remove(node);
                closes.remove(node);
                continue;
            }
            FenceQuorum probe = probes.get(node);
            if (probe == null || probe.generation() != ns.generation()) probes.put(node, probe = FenceQuorum.open(node, ns.generation()));
            FenceQuorum close = closes.get(node);
            if (close != null && close.generation() != ns.generation()) closes.remove(node);
            boolean closing = closes.containsKey(node) || probe.proven(voters, bound);
            if (closing) closes.putIfAbsent(node, FenceQuorum.open(node, ns.generation()));
            queryAcceptors(node, ns.generation(), closing);
        }
    }

    private void queryAcceptors(String node, long generation, boolean close) {
        for (ActorRef<LeaseAcceptorActor.Command> a : acceptors) {
            a.tell(new LeaseAcceptorActor.Query(node, generation, close, ctx.getSelf()));
        }
    }

    /**
     * Asks each guest still to be moved again, one more ask per round while fewer than {@link #MOVE_ASKS} are
     * unanswered: an ask sent to the shard of a member that is gone is lost until the shard moved, and one that
     * reached an entity still recovering from the journal is only slow; the next round's ask finds the moved
     * shard at once, and the slow one is not given up (the move is idempotent).
     */
    private void retryMoves() {
        pendingMoves.forEach((sid, to) -> {
            int inFlight = moveAsksInFlight.getOrDefault(sid, 0);
            if (inFlight >= MOVE_ASKS) return;
            moveAsksInFlight.put(sid, inFlight + 1);
            Duration wait = Duration.ofMillis(Math.max(2_000, MOVE_ASKS * settings.timings().roundMillis()));
            ctx.pipeToSelf(settings.services().moveHome(sid.vmid(), to, true, "HA recovery after a fence", wait),
                    (reply, failure) -> failure != null ? new Moved(sid, to, false, failure.getMessage())
                            : reply instanceof GuestEntity.Rejected rj ? new Moved(sid, to, false, rj.rejection().message())
                            : new Moved(sid, to, true, ""));
        });
    }

    /**
     * Orders for a guest whose home is still moving are held back (they leave with the next round once it moved):
     * the target's agent would find the guest registered elsewhere and report it on the wrong node, an error.
     * An ask that timed out may still have moved the home, so the hold lasts until a move is confirmed.
     */
    private ManagerReply withoutPendingMoves(ManagerReply orders) {
        if (pendingMoves.isEmpty()) return orders;
        List<NodeCommand> ready = orders.commands().stream().filter(c -> !pendingMoves.containsKey(c.sid())).toList();
        if (ready.size() == orders.commands().size()) return orders;
        return new ManagerReply(orders.node(), orders.leaseAccepted(), ready, orders.assigned(), orders.managed());
    }

    private List<String> voters() {
        return settings.services().health().nodes().members().stream().map(n -> n.name()).toList();
    }

    private List<String> nodes() {
        return settings.services().health().nodes().nodes().stream().map(n -> n.name()).toList();
    }

    /** The manager's ports on the real cluster. */
    private final class Ports implements HaEnvironment {
        @Override
        public long now() {
            return LeaseAcceptorActor.now();
        }

        @Override
        public String localNode() {
            return settings.services().localNode();
        }

        @Override
        public boolean quorate() {
            return settings.services().health().quorate();
        }

        @Override
        public HaConfig config() {
            return HaConfigEvent.withNodes(current.config(), nodes());
        }

        @Override
        public List<CrmCommand> takeCommands() {
            List<CrmCommand> out = List.copyOf(crmQueue);
            crmQueue.clear();
            return out;
        }

        @Override
        public Set<String> externallyFenced() {
            Set<String> out = new TreeSet<>();
            long bound = settings.timings().fenceBoundMillis();
            List<String> voters = voters();
            closes.forEach((node, q) -> {
                NodeStatus ns = service.state().node(node);
                if (ns != null && ns.generation() == q.generation() && q.proven(voters, bound)) out.add(node);
            });
            return out;
        }

        @Override
        public Map<String, NodeCapacity> capacities() {
            Map<String, NodeCapacity> out = new TreeMap<>();
            for (String n : nodes()) {
                settings.services().host(n).ifPresent(h -> out.put(n,
                        new NodeCapacity(h.cpus(), h.memoryBytes() / (1024 * 1024))));
            }
            return out;
        }

        @Override
        public void send(ManagerReply orders) {
            ActorRef<HaAgentActor.Command> agent = agents.get(orders.node());
            NodeStatus ns = service.state().node(orders.node());
            if (agent != null && ns != null) tellOrders(agent, new HaAgentActor.Orders(withoutPendingMoves(orders), ns.generation()));
        }

        @Override
        public void reassign(Sid sid, String fromNode, String toNode) {
            pendingMoves.put(sid, toNode);
            moveAsksInFlight.remove(sid);
            outbox.add(HaManagerEntity.this::retryMoves);
        }

        @Override
        public void publish(HaEvent event) {
            if (event instanceof HaEvent.NodeSeen seen) {
                NodeStatus persisted = current.manager().node(seen.node());
                boolean news = persisted == null || persisted.generation() != seen.generation()
                        || persisted.mode() != seen.mode() || persisted.released() != seen.released();
                if (!news) return; // a heartbeat: soft state, a new incarnation counts silence from its own start
            }
            if (!(event instanceof HaEvent.NodeSeen)) LOG.info("HA: {}", event.describe());
            toPersist.add(event);
        }
    }
}
