package org.fabricve.node;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.fabricve.core.FabricSerializable;
import org.fabricve.core.hypervisor.HostInfo;
import org.fabricve.core.node.NodeEvent;
import org.fabricve.core.node.NodeState;
import org.fabricve.core.task.TaskRecord;
import org.fabricve.persistence.FabricTags;

/** A hypervisor host, sharded by node name: what its agent registered and what it found there unowned. */
public final class NodeEntity extends EventSourcedBehavior<NodeEntity.Command, NodeEvent, NodeState> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Node");

    public sealed interface Command extends FabricSerializable {}

    public record Register(HostInfo host) implements Command {}

    public record ObserveForeignDomains(Set<String> domains) implements Command {}

    public record Get(ActorRef<NodeState> replyTo) implements Command {}

    /** Journals a finished task of the node; answers once it is durable. */
    public record RecordTask(TaskRecord task, ActorRef<Done> replyTo)
            implements Command {}

    private final String node;
    private final Clock clock;

    private NodeEntity(String node, Clock clock) {
        super(PersistenceId.of(TYPE_KEY.name(), node));
        this.node = node;
        this.clock = clock;
    }

    public static Behavior<Command> create(String node, Clock clock) {
        return new NodeEntity(node, clock);
    }

    @Override
    public NodeState emptyState() {
        return NodeState.empty(node);
    }

    @Override
    public Set<String> tagsFor(NodeEvent event) {
        return Set.of(FabricTags.ALL);
    }

    @Override
    public CommandHandler<Command, NodeEvent, NodeState> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Register.class, (state, c) -> persist(state.register(c.host(), now())))
                .onCommand(ObserveForeignDomains.class,
                        (state, c) -> persist(state.observeForeign(c.domains(), now())))
                .onCommand(Get.class, (state, c) -> Effect().none().thenReply(c.replyTo(), s -> s))
                .onCommand(RecordTask.class, (state, c) -> Effect().persist(List.<NodeEvent>of(
                        new NodeEvent.TaskRecorded(node, c.task()))).thenReply(c.replyTo(), s -> Done.getInstance()))
                .build();
    }

    private Effect<NodeEvent, NodeState> persist(Optional<NodeEvent> event) {
        return event.<Effect<NodeEvent, NodeState>>map(e -> Effect().persist(List.of(e)))
                .orElseGet(() -> Effect().none());
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    @Override
    public EventHandler<NodeState, NodeEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(NodeState::apply);
    }
}
