package org.fabricve.persistence;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.fabricve.core.storage.StorageDefinition;
import org.fabricve.core.storage.StorageEvent;

/**
 * A minimal tagged entity for journal tests: each {@link Write} persists one StorageDefined event (path
 * {@code /pN}); its state is the number of events it holds, which {@link Count} asks for.
 */
final class TaggedWriter {

    interface Command {}

    record Write(int n, ActorRef<Done> replyTo) implements Command {}

    record Count(ActorRef<Integer> replyTo) implements Command {}

    private TaggedWriter() {}

    static Behavior<Command> create(String id) {
        return new EventSourcedBehavior<Command, StorageEvent, Integer>(PersistenceId.of("Storage", id)) {
            @Override
            public Integer emptyState() {
                return 0;
            }

            @Override
            public CommandHandler<Command, StorageEvent, Integer> commandHandler() {
                return newCommandHandlerBuilder().forAnyState()
                        .onCommand(Write.class, (s, c) -> Effect()
                                .persist(new StorageEvent.StorageDefined(new StorageDefinition(id, "dir", "/p" + c.n(),
                                        List.of("images"), List.of(), false), c.n()))
                                .thenReply(c.replyTo(), x -> Done.getInstance()))
                        .onCommand(Count.class, (s, c) -> Effect().reply(c.replyTo(), s))
                        .build();
            }

            @Override
            public EventHandler<Integer, StorageEvent> eventHandler() {
                return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> s + 1);
            }

            @Override
            public Set<String> tagsFor(StorageEvent event) {
                return Set.of(FabricTags.ALL);
            }
        };
    }

    static void write(ActorSystem<?> system, ActorRef<Command> writer, int from, int to) throws Exception {
        for (int n = from; n <= to; n++) {
            int k = n;
            AskPattern.<Command, Done>ask(writer, r -> new Write(k, r), Duration.ofSeconds(15), system.scheduler())
                    .toCompletableFuture().get(15, TimeUnit.SECONDS);
        }
    }

    static int count(ActorSystem<?> system, ActorRef<Command> writer) throws Exception {
        return AskPattern.<Command, Integer>ask(writer, Count::new, Duration.ofSeconds(30), system.scheduler())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
