package org.fabricve.ha.manager;

import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.fabricve.ha.model.Sid;

/** The HA manager's whole state (Proxmox's manager_status): services, nodes, maintenance requests. */
public record ManagerState(String managerNode, String managerInstance, SortedMap<Sid, ServiceStatus> services, SortedMap<String, NodeStatus> nodes,
                           SortedSet<String> maintenance, long nextUid) {

    public ManagerState {
        services = Collections.unmodifiableSortedMap(new TreeMap<>(services));
        nodes = Collections.unmodifiableSortedMap(new TreeMap<>(nodes));
        maintenance = Collections.unmodifiableSortedSet(new TreeSet<>(maintenance));
    }

    public static ManagerState empty() {
        return new ManagerState(null, null, new TreeMap<>(), new TreeMap<>(), new TreeSet<>(), 1);
    }

    public ServiceStatus service(Sid sid) {
        return services.get(sid);
    }

    public NodeStatus node(String name) {
        return nodes.get(name);
    }

    public NodeState nodeState(String name) {
        NodeStatus n = nodes.get(name);
        return n == null ? NodeState.UNKNOWN : n.state();
    }

    ManagerState withService(Sid sid, ServiceStatus s) {
        TreeMap<Sid, ServiceStatus> m = new TreeMap<>(services);
        if (s == null) m.remove(sid);
        else m.put(sid, s);
        long next = s == null ? nextUid : Math.max(nextUid, s.uid() + 1);
        return new ManagerState(managerNode, managerInstance, m, nodes, maintenance, next);
    }

    ManagerState withNode(String name, NodeStatus n) {
        TreeMap<String, NodeStatus> m = new TreeMap<>(nodes);
        m.put(name, n);
        return new ManagerState(managerNode, managerInstance, services, m, maintenance, nextUid);
    }

    ManagerState withManager(String node, String instance, SortedMap<String, NodeStatus> ns) {
        return new ManagerState(node, instance, services, ns, maintenance, nextUid);
    }

    ManagerState withMaintenance(String node, boolean on) {
        TreeSet<String> m = new TreeSet<>(maintenance);
        if (on) m.add(node);
        else m.remove(node);
        return new ManagerState(managerNode, managerInstance, services, nodes, m, nextUid);
    }
}
