package org.fabricve.node;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Where each node's agent is, learnt from the receptionist (so it works the same on one member or many).
 * Agents are spawned under the name {@code agent-NODE}; a node is online while its agent is listed.
 */
public final class AgentDirectory {

    public static final ServiceKey<NodeAgent.Command> AGENTS = ServiceKey.create(NodeAgent.Command.class, "node-agents");
    static final String NAME_PREFIX = "agent-";

    private final Map<String, ActorRef<NodeAgent.Command>> local = new ConcurrentHashMap<>();
    private final Map<String, ActorRef<NodeAgent.Command>> listed = new ConcurrentHashMap<>();

    public static AgentDirectory start(ActorSystem<?> system) {
        AgentDirectory directory = new AgentDirectory();
        system.systemActorOf(directory.listener(), "agent-directory", org.apache.pekko.actor.typed.Props.empty());
        return directory;
    }

    public static String actorName(String node) {
        return NAME_PREFIX + node;
    }

    public Optional<ActorRef<NodeAgent.Command>> agentFor(String node) {
        var ref = local.get(node);
        return Optional.ofNullable(ref != null ? ref : listed.get(node));
    }

    /** Whether this member runs the agent of {@code node}. */
    public boolean isLocal(String node) {
        return local.containsKey(node);
    }

    /** Agents of this member are known at once; a receptionist listing may not include them yet. */
    void putLocal(String node, ActorRef<NodeAgent.Command> agent) {
        local.put(node, agent);
    }

    private Behavior<Receptionist.Listing> listener() {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(AGENTS, ctx.getSelf()));
            return Behaviors.receiveMessage(listing -> {
                var now = new ConcurrentHashMap<String, ActorRef<NodeAgent.Command>>();
                for (ActorRef<NodeAgent.Command> ref : listing.getServiceInstances(AGENTS)) {
                    String name = ref.path().name();
                    if (name.startsWith(NAME_PREFIX)) {
                        now.put(name.substring(NAME_PREFIX.length()), ref);
                    }
                }
                listed.keySet().retainAll(now.keySet());
                listed.putAll(now);
                return Behaviors.same();
            });
        });
    }
}
