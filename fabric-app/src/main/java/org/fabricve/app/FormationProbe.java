package org.fabricve.app;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.fabricve.core.FabricSerializable;

/**
 * Every member answers, for its whole life, whether it is Up in a cluster, to members that restart from the
 * node list in the journal and look for their cluster ({@link ClusterFormation}). Plain remoting between actor
 * systems, before either has joined a cluster; a probe of another fabric cluster is not answered.
 */
final class FormationProbe {

    static final String NAME = "fabric-formation";

    sealed interface Command extends FabricSerializable {
    }

    /** {@code target} is the address the prober sent to, echoed back so the prober knows whom it heard. */
    record Probe(String clusterName, String target, ActorRef<Command> replyTo) implements Command {
    }

    record Answer(String target, boolean up) implements Command {
    }

    /** An answer as this member heard it, and when (its own clock). */
    private record Heard(boolean up, long atNanos) {
    }

    /** The answers this member heard, by the address probed; the start-up thread reads them. */
    private final Map<String, Heard> heard = new ConcurrentHashMap<>();
    private final ActorSystem<?> system;
    private final String clusterName;
    private final ActorRef<Command> self;

    private FormationProbe(ActorSystem<?> system, String clusterName) {
        this.system = system;
        this.clusterName = clusterName;
        this.self = system.systemActorOf(behavior(), NAME, Props.empty());
    }

    static FormationProbe start(ActorSystem<?> system, String clusterName) {
        return new FormationProbe(system, clusterName);
    }

    private Behavior<Command> behavior() {
        return Behaviors.receive(Command.class)
                .onMessage(Probe.class, p -> {
                    if (p.clusterName().equals(clusterName)) {
                        boolean up = Cluster.get(system).selfMember().status() == MemberStatus.up();
                        p.replyTo().tell(new Answer(p.target(), up));
                    }
                    return Behaviors.same();
                })
                .onMessage(Answer.class, a -> {
                    heard.put(a.target(), new Heard(a.up(), System.nanoTime()));
                    return Behaviors.same();
                })
                .build();
    }

    void probe(Address member) {
        ActorSelection there = Adapter.toClassic(system).actorSelection(member + "/system/" + NAME);
        there.tell(new Probe(clusterName, member.toString(), self), org.apache.pekko.actor.ActorRef.noSender());
    }

    /** Whether each member heard from within {@code freshNanos} is Up in a cluster. */
    Map<Address, Boolean> heardSince(Iterable<Address> members, long freshNanos) {
        Map<Address, Boolean> out = new HashMap<>();
        long now = System.nanoTime();
        for (Address a : members) {
            Heard h = heard.get(a.toString());
            if (h != null && now - h.atNanos() <= freshNanos) out.put(a, h.up());
        }
        return out;
    }
}
