package org.fabricve.node;

import java.time.Clock;
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
import org.fabricve.core.storage.StorageDefinition;
import org.fabricve.core.storage.StorageEvent;
import org.fabricve.persistence.FabricTags;

/** One storage of the cluster's storage configuration, sharded by storage id. */
public final class StorageEntity
        extends EventSourcedBehavior<StorageEntity.Command, StorageEvent, StorageEntity.State> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Storage");

    public sealed interface Command extends FabricSerializable {}

    /** Defines the storage, or changes its definition; an identical definition changes nothing. */
    public record Define(StorageDefinition definition, ActorRef<Done> replyTo) implements Command {}

    public record Get(ActorRef<State> replyTo) implements Command {}

    public record State(StorageDefinition definition) implements FabricSerializable {
        public Optional<StorageDefinition> defined() {
            return Optional.ofNullable(definition);
        }
    }

    private final Clock clock;

    private StorageEntity(String storage, Clock clock) {
        super(PersistenceId.of(TYPE_KEY.name(), storage));
        this.clock = clock;
    }

    public static Behavior<Command> create(String storage, Clock clock) {
        return new StorageEntity(storage, clock);
    }

    @Override
    public State emptyState() {
        return new State(null);
    }

    @Override
    public Set<String> tagsFor(StorageEvent event) {
        return Set.of(FabricTags.ALL);
    }

    @Override
    public CommandHandler<Command, StorageEvent, State> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Define.class, (state, c) -> c.definition().equals(state.definition())
                        ? Effect().none().thenReply(c.replyTo(), s -> Done.getInstance())
                        : Effect().persist(new StorageEvent.StorageDefined(c.definition(),
                                clock.instant().getEpochSecond()))
                                .thenReply(c.replyTo(), s -> Done.getInstance()))
                .onCommand(Get.class, (state, c) -> Effect().none().thenReply(c.replyTo(), s -> s))
                .build();
    }

    @Override
    public EventHandler<State, StorageEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(StorageEvent.StorageDefined.class, (state, e) -> new State(e.definition()))
                .build();
    }
}
