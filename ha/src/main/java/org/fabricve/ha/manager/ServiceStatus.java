package org.fabricve.ha.manager;

import java.util.List;

/**
 * The manager's record of one service. {@code uid} identifies the current order to the node (a new
 * uid is a new order; results are matched by uid, so a result of an older order is never mistaken for
 * the current one). {@code target} is set while migrating or relocating and kept in FENCE, because a
 * migration may have completed just before the source was lost.
 */
public record ServiceStatus(ServiceState state, String node, String target, long uid, boolean running,
                            List<String> failedNodes, int restartTries, String maintenanceNode, Motion pending,
                            ServiceState beforeFence) {

    public ServiceStatus {
        failedNodes = List.copyOf(failedNodes);
    }

    public static ServiceStatus initial(ServiceState state, String node, long uid) {
        return new ServiceStatus(state, node, null, uid, false, List.of(), 0, null, null, null);
    }

    /** A new state with a new order; the per-state details (target, running, fence memory) are reset. */
    public ServiceStatus to(ServiceState s, String onNode, String toTarget, long newUid) {
        return new ServiceStatus(s, onNode, toTarget, newUid, false, failedNodes, restartTries, maintenanceNode, pending, null);
    }

    public ServiceStatus withRunning(boolean r) {
        return new ServiceStatus(state, node, target, uid, r, failedNodes, restartTries, maintenanceNode, pending, beforeFence);
    }

    public ServiceStatus withUid(long u) {
        return new ServiceStatus(state, node, target, u, running, failedNodes, restartTries, maintenanceNode, pending, beforeFence);
    }

    public ServiceStatus withFailures(List<String> failed, int tries) {
        return new ServiceStatus(state, node, target, uid, running, failed, tries, maintenanceNode, pending, beforeFence);
    }

    public ServiceStatus withMaintenanceNode(String n) {
        return new ServiceStatus(state, node, target, uid, running, failedNodes, restartTries, n, pending, beforeFence);
    }

    public ServiceStatus withPending(Motion m) {
        return new ServiceStatus(state, node, target, uid, running, failedNodes, restartTries, maintenanceNode, m, beforeFence);
    }

    /** Into FENCE, remembering the state to return to if the node comes back before it was fenced. */
    public ServiceStatus fenced() {
        return new ServiceStatus(ServiceState.FENCE, node, target, uid, false, failedNodes, restartTries, maintenanceNode, pending, state);
    }

    /** Back from FENCE to the remembered state, same order (the node never stopped executing it). */
    public ServiceStatus unfenced() {
        return new ServiceStatus(beforeFence, node, target, uid, false, failedNodes, restartTries, maintenanceNode, pending, null);
    }

    /** Whether it counts against its node's (and its target's) load: it runs or is about to. */
    public boolean active() {
        return switch (state) {
            case STARTED, MIGRATE, RELOCATE, REQUEST_STOP, FENCE -> true;
            default -> false;
        };
    }
}
