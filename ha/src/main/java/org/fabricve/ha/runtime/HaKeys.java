package org.fabricve.ha.runtime;

import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** Where the HA actors find each other: receptionist keys, registered by every member. */
public final class HaKeys {

    public static final ServiceKey<LeaseAcceptorActor.Command> ACCEPTORS =
            ServiceKey.create(LeaseAcceptorActor.Command.class, "ha-lease-acceptors");
    public static final ServiceKey<HaAgentActor.Command> AGENTS = ServiceKey.create(HaAgentActor.Command.class, "ha-agents");
    static final String AGENT_PREFIX = "ha-agent-";

    private HaKeys() {
    }

    public static String agentName(String node) {
        return AGENT_PREFIX + node;
    }
}
