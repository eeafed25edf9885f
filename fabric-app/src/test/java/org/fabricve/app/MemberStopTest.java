package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/** A member's process may end once its shutdown is over, even when its actor system cannot finish terminating. */
class MemberStopTest {

    private static final String FAST_LAST_PHASE = "pekko.coordinated-shutdown.phases.actor-system-terminate.timeout = 1s";

    @Test
    void anActorSystemThatCannotTerminateStillEndsTheMemberWhenTheLastPhaseTimesOut() throws Exception {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "member-stop", ConfigFactory.parseString(FAST_LAST_PHASE));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch stopping = new CountDownLatch(1);
        // an actor that never finishes stopping, as one waiting on an unreachable journal would
        system.systemActorOf(Behaviors.receive(Object.class).onSignal(PostStop.class, s -> {
            stopping.countDown();
            release.await();
            return Behaviors.same();
        }).build(), "stuck", Props.empty());
        var stopped = MemberStop.watch(system).toCompletableFuture();
        try {
            system.terminate();

            assertThat(stopped.get(30, TimeUnit.SECONDS)).as("ended without the actor system's termination").isFalse();
            assertThat(stopping.await(0, TimeUnit.SECONDS)).as("the stuck actor was asked to stop").isTrue();
            assertThat(system.getWhenTerminated().toCompletableFuture().isDone()).isFalse();
            assertThat(MemberStop.busyThreads(system.name())).as("the log names what holds the termination")
                    .contains("MemberStopTest");
        } finally {
            release.countDown();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void anActorSystemThatTerminatesEndsTheMemberAsTerminated() throws Exception {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "member-stop", ConfigFactory.parseString(FAST_LAST_PHASE));
        var stopped = MemberStop.watch(system).toCompletableFuture();

        system.terminate();

        assertThat(stopped.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(system.getWhenTerminated().toCompletableFuture().isDone()).isTrue();
    }
}
