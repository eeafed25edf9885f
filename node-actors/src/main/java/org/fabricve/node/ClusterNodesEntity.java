package org.fabricve.node;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.fabricve.core.FabricSerializable;
import org.fabricve.core.cluster.ClusterDecision;
import org.fabricve.core.cluster.ClusterNode;
import org.fabricve.core.cluster.ClusterNodeEvent;
import org.fabricve.core.cluster.NodeList;
import org.fabricve.core.guest.Rejection;
import org.fabricve.persistence.FabricTags;

/**
 * The configured node list, persisted: one sharded entity with the single id {@link #ENTITY_ID}, the actor shell
 * around {@link NodeList}. Sharding (not a cluster singleton) because it is the same machinery every other
 * entity uses: at most one live incarnation cluster-wide, reachable by EntityRef from any member, moved by
 * rebalancing and recovered from the journal like a guest. Readers that must not wait (quorum, listings) use
 * the read model's fold of its events instead of asking it.
 */
public final class ClusterNodesEntity extends EventSourcedBehavior<ClusterNodesEntity.Command, ClusterNodeEvent,
        NodeList> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "ClusterNodes");
    public static final String ENTITY_ID = "nodes";

    public sealed interface Command extends FabricSerializable {}

    /** An operator adds a node before it joins. */
    public record Add(ClusterNode node, ActorRef<Reply> replyTo) implements Command {}

    /** An operator removes an offline node; {@code online}: the nodes the asking member sees online. */
    public record Remove(String name, String localMember, Set<String> online, ActorRef<Reply> replyTo)
            implements Command {}

    /** A member registers itself and the hosts it simulates as it starts. */
    public record Register(ClusterNode member, List<String> hosted, ActorRef<Reply> replyTo) implements Command {}

    public record Get(ActorRef<NodeList> replyTo) implements Command {}

    public sealed interface Reply extends FabricSerializable {}

    public record Done(NodeList nodes) implements Reply {}

    public record Refused(Rejection rejection) implements Reply {}

    private final Clock clock;

    private ClusterNodesEntity(String id, Clock clock) {
        super(PersistenceId.of(TYPE_KEY.name(), id));
        this.clock = clock;
    }

    public static Behavior<Command> create(String id, Clock clock) {
        return new ClusterNodesEntity(id, clock);
    }

    @Override
    public NodeList emptyState() {
        return NodeList.EMPTY;
    }

    @Override
    public Set<String> tagsFor(ClusterNodeEvent event) {
        return Set.of(FabricTags.ALL);
    }

    @Override
    public CommandHandler<Command, ClusterNodeEvent, NodeList> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Add.class, (state, c) -> answer(c.replyTo(), state.add(c.node(), now())))
                .onCommand(Remove.class, (state, c) -> answer(c.replyTo(),
                        state.remove(c.name(), c.localMember(), c.online(), now())))
                .onCommand(Register.class, (state, c) -> answer(c.replyTo(),
                        state.register(c.member(), c.hosted(), now())))
                .onCommand(Get.class, (state, c) -> Effect().none().thenReply(c.replyTo(), s -> s))
                .build();
    }

    private Effect<ClusterNodeEvent, NodeList> answer(ActorRef<Reply> replyTo, ClusterDecision decision) {
        if (decision instanceof ClusterDecision.Reject r) {
            return Effect().none().thenReply(replyTo, s -> new Refused(r.rejection()));
        }
        List<ClusterNodeEvent> events = ((ClusterDecision.Accept) decision).events();
        return Effect().persist(events).thenReply(replyTo, Done::new);
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    @Override
    public EventHandler<NodeList, ClusterNodeEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(NodeList::evolve);
    }
}
