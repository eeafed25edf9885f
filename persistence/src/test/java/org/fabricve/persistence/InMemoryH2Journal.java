package org.fabricve.persistence;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Journal tests' actor systems: the production persistence settings on an in-memory H2 database of their own. */
final class InMemoryH2Journal {

    private InMemoryH2Journal() {}

    static String url(String database) {
        return "jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1";
    }

    /** An actor system named {@code database} whose journal (schema created) is {@link #url(String)}. */
    static ActorSystem<Void> start(String database) {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), database,
                ConfigFactory.parseString("pekko-persistence-jdbc.shared-databases.fabric.db.url = \""
                                + url(database) + "\"")
                        .withFallback(ConfigFactory.parseResources("fabric-persistence.conf"))
                        .withFallback(ConfigFactory.load()));
        JournalSchema.ensure(system, Duration.ofSeconds(30));
        return system;
    }

    static void stop(ActorSystem<?> system) throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
