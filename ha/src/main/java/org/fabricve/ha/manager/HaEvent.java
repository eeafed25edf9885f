package org.fabricve.ha.manager;

import org.fabricve.ha.model.Sid;

/**
 * Everything the HA manager decides, as events: the manager's state is the fold of them
 * ({@link HaManager#evolve}), and they are what the API and the event stream show.
 */
public sealed interface HaEvent extends org.fabricve.core.FabricSerializable {

    /** A human-readable line, as the manager's log would say it. */
    String describe();

    /**
     * A new manager instance ({@code instance}: unique per incarnation) took over on {@code node}. Its clock
     * is not the previous instance's, so every node's silence is counted from now (conservative).
     */
    record ManagerActivated(String node, String instance, long now, java.util.List<String> nodes) implements HaEvent {
        public ManagerActivated {
            nodes = java.util.List.copyOf(nodes);
        }

        public String describe() {
            return "manager active on node '" + node + "'";
        }
    }

    /** A lease renewal was accepted (a heartbeat: frequent, not shown in logs). */
    record NodeSeen(String node, long generation, long now, LrmMode mode, boolean released) implements HaEvent {
        public String describe() {
            return "node '" + node + "' renewed lease generation " + generation;
        }
    }

    record RenewalRefused(String node, long generation) implements HaEvent {
        public String describe() {
            return "node '" + node + "': refused lease renewal of fenced generation " + generation;
        }
    }

    record NodeStateChanged(String node, NodeState from, NodeState to) implements HaEvent {
        public String describe() {
            return "node '" + node + "': state changed from '" + from.wire() + "' => '" + to.wire() + "'";
        }
    }

    record NodeFenced(String node, long generation, FenceProof proof) implements HaEvent {
        public String describe() {
            return "fencing: acknowledged for node '" + node + "' generation " + generation + " (" + proof.wire() + ")";
        }
    }

    record MaintenanceRequested(String node, boolean enabled) implements HaEvent {
        public String describe() {
            return (enabled ? "enable" : "disable") + " maintenance of node '" + node + "'";
        }
    }

    record CommandHandled(String command, boolean accepted, String message) implements HaEvent {
        public String describe() {
            return (accepted ? "got crm command: " : "crm command error - ") + command + (message.isEmpty() ? "" : " - " + message);
        }
    }

    record ServiceAdded(Sid sid, ServiceStatus status) implements HaEvent {
        public String describe() {
            return "adding new service '" + sid + "' on node '" + status.node() + "'";
        }
    }

    record ServiceRemoved(Sid sid, String reason) implements HaEvent {
        public String describe() {
            return "removing service '" + sid + "' (" + reason + ")";
        }
    }

    /** The service's record changed; {@code status} is the new record. */
    record ServiceChanged(Sid sid, ServiceState from, ServiceStatus status, String message) implements HaEvent {
        public String describe() {
            String change = from == status.state() ? "" : "state changed from '" + from.wire() + "' to '" + status.state().wire() + "'";
            String sep = change.isEmpty() || message.isEmpty() ? "" : ": ";
            return "service '" + sid + "': " + change + sep + message;
        }
    }

    /** A fenced node's service is given to another node; the guest's home moves with it. */
    record ServiceRecovered(Sid sid, String fromNode, ServiceStatus status) implements HaEvent {
        public String describe() {
            return "recover service '" + sid + "' from fenced node '" + fromNode + "' to node '" + status.node() + "'";
        }
    }
}
