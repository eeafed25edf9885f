package org.fabricve.node;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import java.util.Set;
import org.fabricve.core.FabricSerializable;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.config.VolumeRequest;
import org.fabricve.core.guest.Decision;
import org.fabricve.core.guest.GuestDecider;
import org.fabricve.core.guest.GuestEvent;
import org.fabricve.core.guest.GuestOperation;
import org.fabricve.core.guest.GuestState;
import org.fabricve.core.guest.Rejection;
import org.fabricve.core.guest.ShutdownOptions;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.core.task.Upid;
import org.fabricve.persistence.FabricTags;

/**
 * One vmid, sharded and event-sourced: the actor shell around {@link GuestDecider}. It persists what the
 * decider says, hands accepted operations to the agent of the guest's node, and records the outcome.
 */
public final class GuestEntity extends EventSourcedBehavior<GuestEntity.Command, GuestEvent, GuestState> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Guest");

    public sealed interface Command extends FabricSerializable {}

    public record Create(int vmid, GuestType type, String node, GuestConfig config, List<VolumeRequest> newVolumes,
                         boolean start, Upid upid, ActorRef<Reply> replyTo) implements Command {}

    /** {@code shutdown}: how a shutdown waits (null: Proxmox's defaults). */
    public record Operate(int vmid, GuestOperation operation, Upid upid, ShutdownOptions shutdown,
                          ActorRef<Reply> replyTo) implements Command {}

    public record ChangeConfig(int vmid, GuestConfig basedOn, GuestConfig target, List<VolumeRequest> newVolumes,
                               Upid upid, ActorRef<Reply> replyTo) implements Command {}

    public record Get(ActorRef<GuestState> replyTo) implements Command {}

    /**
     * Answers with the guest's state once the task {@code upid} no longer runs, at once if it is over or unknown.
     * The waiter lives in this incarnation only: a caller whose ask times out asks again (see FabricServices).
     */
    public record AwaitTask(String upid, ActorRef<GuestState> replyTo) implements Command {}

    /**
     * The agent's outcome of the running task; {@code runningConfig}: after a config change of a running guest,
     * what its domain now runs with.
     */
    public record ReportResult(String upid, String exitStatus, List<String> log, GuestConfig finalConfig,
                               RunState observedState, GuestConfig runningConfig) implements Command {

        public ReportResult(String upid, String exitStatus, List<String> log, GuestConfig finalConfig,
                            RunState observedState) {
            this(upid, exitStatus, log, finalConfig, observedState, null);
        }
    }

    /** Moves the guest's home to {@code node} (see {@link GuestDecider#moveHome}); the HA manager's relocation and recovery. */
    public record MoveHome(int vmid, String node, boolean fenced, String reason, ActorRef<Reply> replyTo)
            implements Command {}

    /** Starts (recovers) the entity and nothing else: an interrupted task resumes on recovery. */
    public record Wake() implements Command {}

    /** What the hypervisor reports outside any task (reconciliation). */
    public record Observe(RunState observed, String reason) implements Command {}

    public sealed interface Reply extends FabricSerializable {}

    public record Accepted(String upid) implements Reply {}

    public record Rejected(Rejection rejection) implements Reply {}

    /** How often a task's outcome is offered again while this member has no quorum. */
    static final Duration RESULT_RETRY = Duration.ofMillis(500);
    static final Rejection NO_QUORUM = Rejection.unavailable("cluster not ready - no quorum");

    private final int vmid;
    private final AgentDirectory agents;
    private final Clock clock;
    private final BooleanSupplier quorate;
    private final ActorContext<Command> context;
    /** Who waits for which running task: answered after the event that ends it is journalled. */
    private final Map<String, List<ActorRef<GuestState>>> taskWaiters = new HashMap<>();

    private GuestEntity(ActorContext<Command> context, int vmid, AgentDirectory agents, Clock clock,
                        BooleanSupplier quorate) {
        super(PersistenceId.of(TYPE_KEY.name(), Integer.toString(vmid)));
        this.context = context;
        this.vmid = vmid;
        this.agents = agents;
        this.clock = clock;
        this.quorate = quorate;
    }

    /**
     * @param quorate whether this member has quorum now. Without it the entity persists nothing: a member cut off
     *                by a partition stops writing as soon as it sees the others unreachable, long before the
     *                majority downs it, which is what lets the survivors start this entity anew after a short
     *                down-removal margin without two incarnations ever writing the same journal.
     */
    public static Behavior<Command> create(int vmid, AgentDirectory agents, Clock clock, BooleanSupplier quorate) {
        return Behaviors.setup(ctx -> new GuestEntity(ctx, vmid, agents, clock, quorate));
    }

    @Override
    public GuestState emptyState() {
        return GuestState.EMPTY;
    }

    @Override
    public Set<String> tagsFor(GuestEvent event) {
        return Set.of(FabricTags.ALL);
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(100, 2);
    }

    @Override
    public SignalHandler<GuestState> signalHandler() {
        // A task the previous incarnation left running is handed to the agent again: every operation is
        // idempotent at the hypervisor, so finishing it is safer than guessing how far it got.
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), state -> {
                    if (state.active() != null) {
                        dispatch(state);
                    }
                })
                .build();
    }

    @Override
    public CommandHandler<Command, GuestEvent, GuestState> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Create.class, (state, c) -> answer(c.replyTo(),
                        GuestDecider.create(state, vmid, c.type(), c.node(), c.config(), c.newVolumes(), c.upid(),
                                c.start()),
                        c.upid()))
                .onCommand(Operate.class, (state, c) -> answer(c.replyTo(),
                        GuestDecider.operate(state, vmid, c.operation(), c.upid(), c.shutdown()), c.upid()))
                .onCommand(ChangeConfig.class, (state, c) -> answer(c.replyTo(),
                        GuestDecider.changeConfig(state, vmid, c.basedOn(), c.target(), c.newVolumes(), c.upid()),
                        c.upid()))
                .onCommand(Get.class, (state, c) -> Effect().none().thenReply(c.replyTo(), s -> s))
                .onCommand(AwaitTask.class, (state, c) -> {
                    if (taskOver(state, c.upid())) return Effect().none().thenReply(c.replyTo(), s -> s);
                    taskWaiters.computeIfAbsent(c.upid(), k -> new ArrayList<>()).add(c.replyTo());
                    return Effect().none();
                })
                .onCommand(ReportResult.class, (state, c) -> {
                    if (!quorate.getAsBoolean()) {
                        // kept, not lost: the task stays active until its outcome is journalled
                        context.scheduleOnce(RESULT_RETRY, context.getSelf(), c);
                        return Effect().none();
                    }
                    return persist(GuestDecider.finish(state, c.upid(), c.exitStatus(), c.log(),
                            clock.instant().getEpochSecond(), c.finalConfig(), c.observedState(), c.runningConfig()));
                })
                .onCommand(MoveHome.class, (state, c) -> {
                    if (!quorate.getAsBoolean()) {
                        return Effect().none().thenReply(c.replyTo(), s -> new Rejected(NO_QUORUM));
                    }
                    Decision d = GuestDecider.moveHome(state, vmid, c.node(), c.fenced(), c.reason(),
                            clock.instant().getEpochSecond());
                    if (d instanceof Decision.Reject r) {
                        return Effect().none().thenReply(c.replyTo(), s -> new Rejected(r.rejection()));
                    }
                    return Effect().persist(((Decision.Accept) d).events())
                            .thenRun(this::releaseTaskWaiters)
                            .thenReply(c.replyTo(), s -> new Accepted(""));
                })
                .onCommand(Wake.class, (state, c) -> Effect().none())
                .onCommand(Observe.class, (state, c) -> !quorate.getAsBoolean() ? Effect().none()
                        : persist(GuestDecider.observe(state, c.observed(), c.reason(),
                        clock.instant().getEpochSecond())))
                .build();
    }

    @Override
    public EventHandler<GuestState, GuestEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(GuestDecider::evolve);
    }

    private Effect<GuestEvent, GuestState> answer(ActorRef<Reply> replyTo, Decision decision, Upid upid) {
        if (decision instanceof Decision.Reject r) {
            return Effect().none().thenReply(replyTo, s -> new Rejected(r.rejection()));
        }
        if (!quorate.getAsBoolean()) {
            return Effect().none().thenReply(replyTo, s -> new Rejected(NO_QUORUM));
        }
        return Effect().persist(((Decision.Accept) decision).events())
                .thenRun(this::releaseTaskWaiters)
                .thenRun(this::dispatch)
                .thenReply(replyTo, s -> new Accepted(upid.format()));
    }

    private Effect<GuestEvent, GuestState> persist(Decision decision) {
        if (decision instanceof Decision.Accept a && !a.events().isEmpty()) {
            return Effect().persist(a.events()).thenRun(this::releaseTaskWaiters);
        }
        return Effect().none();
    }

    private static boolean taskOver(GuestState state, String upid) {
        return state.task(upid).map(t -> !t.running()).orElse(true);
    }

    private void releaseTaskWaiters(GuestState state) {
        if (taskWaiters.isEmpty()) return;
        for (var it = taskWaiters.entrySet().iterator(); it.hasNext(); ) {
            var waiting = it.next();
            if (taskOver(state, waiting.getKey())) {
                waiting.getValue().forEach(w -> w.tell(state));
                it.remove();
            }
        }
    }

    private void dispatch(GuestState state) {
        if (state.active() == null) {
            return;
        }
        String node = state.guest().node();
        var agent = agents.agentFor(node);
        if (agent.isPresent()) {
            agent.get().tell(new NodeAgent.Execute(state.guest(), state.active()));
        } else {
            context.getSelf().tell(new ReportResult(state.active().task().upid(),
                    "node '" + node + "' is offline", List.of(), null, null));
        }
    }
}
