package org.fabricve.ha.runtime;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.fabricve.core.FabricSerializable;
import org.fabricve.ha.lease.LeaseAcceptor;
import org.fabricve.ha.manager.HaTimings;

/**
 * The shell of one member's {@link LeaseAcceptor}: answers the agents' renewals and the manager's closes on
 * the member's monotonic clock. It lives as long as the member, independently of where the manager runs,
 * so leases stay renewed while the manager singleton moves.
 */
public final class LeaseAcceptorActor {

    public sealed interface Command extends FabricSerializable {
    }

    /** An agent renews {@code node}'s lease of {@code generation}; {@code sentAt} is echoed back (agent's clock). */
    public record Renew(String node, long generation, long sentAt, ActorRef<HaAgentActor.Command> replyTo) implements Command {
    }

    /** The manager asks how long {@code node} has had no grant; with {@code close}, its generations up to {@code generation} end. */
    public record Query(String node, long generation, boolean close, ActorRef<HaManagerEntity.Command> replyTo) implements Command {
    }

    private LeaseAcceptorActor() {
    }

    public static Behavior<Command> create(String member, HaTimings timings) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(HaKeys.ACCEPTORS, ctx.getSelf()));
            return running(member, timings, LeaseAcceptor.started(now()));
        });
    }

    private static Behavior<Command> running(String member, HaTimings t, LeaseAcceptor state) {
        return Behaviors.receive(Command.class)
                .onMessage(Renew.class, m -> {
                    LeaseAcceptor.Renewed r = state.renew(m.node(), m.generation(), now(), t);
                    m.replyTo().tell(new HaAgentActor.LeaseAnswer(member, m.generation(), m.sentAt(), r.answer().granted(),
                            r.answer().fenced(), r.answer().reason()));
                    return running(member, t, r.state());
                })
                .onMessage(Query.class, m -> {
                    if (!m.close()) {
                        m.replyTo().tell(new HaManagerEntity.Silence(m.node(), m.generation(), false, member, state.silence(m.node(), now())));
                        return Behaviors.same();
                    }
                    LeaseAcceptor.Closed c = state.close(m.node(), m.generation(), now());
                    m.replyTo().tell(new HaManagerEntity.Silence(m.node(), m.generation(), true, member, c.silentMillis()));
                    return running(member, t, c.state());
                })
                .build();
    }

    static long now() {
        return System.nanoTime() / 1_000_000;
    }
}
