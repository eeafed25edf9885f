package org.fabricve.ha.scenario;

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
        for (ServiceConfig c : config.services().values()) {
            ServiceStatus st = manager.service(c.sid());
            if (st == null) {
                if (c.state() != RequestedState.IGNORED) return false;
                continue;
            }
            switch (st.state()) {
                case FENCE, MIGRATE, RELOCATE, REQUEST_STOP -> {
                    return false;
                }
                case STARTED -> {
                    NodeState node = manager.nodeState(st.node());
                    if (!st.running() && (node == NodeState.ONLINE || node == NodeState.MAINTENANCE)) return false;
                }
                case RECOVERY -> {
                    if (st.target() != null) return false;
                }
                default -> {
                }
            }
        }
        return true;
    }
}
