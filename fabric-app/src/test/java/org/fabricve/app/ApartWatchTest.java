package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three recorded members over real remoting: two run a cluster, the third formed one of its own (as on an answer
 * that went stale). The third finds the majority running elsewhere and stops with a reason that says so; the two
 * hold the majority and probe nobody, so they keep running.
 */
class ApartWatchTest {

    private static final Duration SETTLE = Duration.ofSeconds(30);
    private final List<ActorSystem<Void>> systems = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (ActorSystem<Void> s : systems) {
            s.terminate();
            s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMemberThatFormedApartFromTheRecordedMajorityStopsAndTheMajorityRunsOn() {
        ActorSystem<Void> b = member();
        ActorSystem<Void> c = member();
        ActorSystem<Void> a = member();
        join(b, b);
        join(c, b);
        join(a, a);
        for (ActorSystem<Void> s : List.of(a, b, c)) {
            Await.until(SETTLE, s.address() + " Up", () -> Cluster.get(s).selfMember().status() == MemberStatus.up());
        }
        for (ActorSystem<Void> s : List.of(a, b, c)) {
            List<Address> others = new ArrayList<>(List.of(a.address(), b.address(), c.address()));
            others.remove(s.address());
            ApartWatch.start(s, FormationProbe.start(s, "fabric"), new ClusterFormation(s.address(), others));
        }

        Await.until(SETTLE, "the member apart to stop", () -> CoordinatedShutdown.get(a).getShutdownReason().isPresent());

        assertThat(ClusterJoin.stopProblem(a)).get().asString().contains("apart from the one its recorded members run");
        assertThat(CoordinatedShutdown.get(b).getShutdownReason()).isEmpty();
        assertThat(CoordinatedShutdown.get(c).getShutdownReason()).isEmpty();
        assertThat(Cluster.get(b).state().getMembers()).hasSize(2);
    }

    private ActorSystem<Void> member() {
        ActorSystem<Void> s = ActorSystem.create(Behaviors.empty(), "fabric", ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = "127.0.0.1"
                pekko.remote.artery.canonical.port = 0
                pekko.actor.serialization-bindings { "org.fabricve.core.FabricSerializable" = jackson-cbor }
                pekko.coordinated-shutdown.exit-jvm = off
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                """).withFallback(ConfigFactory.load()));
        systems.add(s);
        return s;
    }

    private static void join(ActorSystem<Void> member, ActorSystem<Void> seed) {
        Cluster.get(member).manager().tell(Join.create(seed.address()));
    }
}
