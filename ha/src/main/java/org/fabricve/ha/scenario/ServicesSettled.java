package org.fabricve.ha.scenario;

import java.util.Optional;
import org.fabricve.ha.manager.ManagerState;
import org.fabricve.ha.manager.NodeState;
import org.fabricve.ha.manager.ServiceStatus;
import org.fabricve.ha.model.HaConfig;
import org.fabricve.ha.model.RequestedState;
import org.fabricve.ha.model.ServiceConfig;

/**
 * Whether no configured service has a transition pending in the manager's state: the part of "the cluster has
 * settled" that every environment (simulated or real) judges alike.
 */
public final class ServicesSettled {

    private ServicesSettled() {}

    public static boolean in(HaConfig config, ManagerState manager) {
        return pending(config, manager).isEmpty();
    }

    /** The first service with a transition pending, and which (empty when none is). */
    public static Optional<String> pending(HaConfig config, ManagerState manager) {
        for (ServiceConfig c : config.services().values()) {
            ServiceStatus st = manager.service(c.sid());
            if (st == null) {
                if (c.state() != RequestedState.IGNORED) return Optional.of(c.sid() + " not yet taken up");
                continue;
            }
            String where = c.sid() + " " + st.state().wire() + " on " + st.node();
            switch (st.state()) {
                case FENCE, MIGRATE, RELOCATE, REQUEST_STOP -> {
                    return Optional.of(where);
                }
                case STARTED -> {
                    NodeState node = manager.nodeState(st.node());
                    if (!st.running() && (node == NodeState.ONLINE || node == NodeState.MAINTENANCE)) {
                        return Optional.of(where + ", not yet running");
                    }
                }
                case RECOVERY -> {
                    if (st.target() != null) return Optional.of(where + " to " + st.target());
                }
                default -> {
                }
            }
        }
        return Optional.empty();
    }
}
