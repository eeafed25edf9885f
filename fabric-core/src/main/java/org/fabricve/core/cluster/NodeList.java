package org.fabricve.core.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.fabricve.core.FabricSerializable;
import org.fabricve.core.guest.Rejection;

/**
 * The configured node list, the cluster's vote base (corosync's nodelist): immutable, with the pure decisions
 * on it ({@link #add}, {@link #remove}, {@link #register}) and the fold of their events ({@link #evolve}).
 */
public record NodeList(Map<String, ClusterNode> byName) implements FabricSerializable {

    public static final NodeList EMPTY = new NodeList(Map.of());

    public NodeList {
        byName = Collections.unmodifiableMap(new TreeMap<>(byName));
    }

    /** Every node, sorted by name. */
    public Collection<ClusterNode> nodes() {
        return byName.values();
    }

    public Optional<ClusterNode> node(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The voting members, sorted by name. */
    public List<ClusterNode> members() {
        return byName.values().stream().filter(ClusterNode::votingMember).toList();
    }

    /**
     * An operator adds a node before it joins ({@code POST /cluster/config/nodes}): its vote counts from now
     * on, as {@code pvecm add} raises the expected votes. A name already listed is refused.
     */
    public ClusterDecision add(ClusterNode node, long time) {
        Optional<Rejection> problem = node.problem();
        if (problem.isPresent()) {
            return ClusterDecision.reject(problem.get());
        }
        if (byName.containsKey(node.name())) {
            return ClusterDecision.reject(Rejection.conflict("node '" + node.name()
                    + "' already exists in the cluster configuration"));
        }
        if (!node.votingMember()) {
            Optional<Rejection> host = hostProblem(node.member());
            if (host.isPresent()) {
                return ClusterDecision.reject(host.get());
            }
        }
        for (ClusterNode other : members()) {
            if (node.votingMember() && other.clusterAddress().equals(node.clusterAddress())) {
                return ClusterDecision.reject(Rejection.invalid("address", "address " + node.clusterAddress()
                        + " already belongs to node '" + other.name() + "'"));
            }
        }
        return ClusterDecision.accept(List.of(new ClusterNodeEvent.NodeAdded(node.withNodeid(nextNodeid()), time)));
    }

    /**
     * An operator removes a node ({@code DELETE /cluster/config/nodes/{node}}), like {@code pvecm delnode}:
     * never the member that handles the request (nor a host it simulates), never a node that is still online
     * ({@code online}: the nodes the requesting member sees online), never an unknown one. A member's simulated
     * hosts leave with it.
     */
    public ClusterDecision remove(String name, String localMember, Set<String> online, long time) {
        if (!ClusterNode.validName(name)) {
            return ClusterDecision.reject(Rejection.invalid("node", "invalid node name '" + name + "'"));
        }
        ClusterNode node = byName.get(name);
        if (node == null) {
            return ClusterDecision.reject(Rejection.notFound("node '" + name
                    + "' is not in the cluster configuration"));
        }
        if (node.member().equals(localMember)) {
            return ClusterDecision.reject(Rejection.conflict("cannot remove node '" + name
                    + "': it is served by this member (" + localMember + "); remove it from another member"));
        }
        if (online.contains(name) || online.contains(node.member())) {
            return ClusterDecision.reject(Rejection.conflict("cannot remove node '" + name
                    + "': it is still online; stop it first"));
        }
        List<ClusterNodeEvent> events = new ArrayList<>();
        if (node.votingMember()) {
            for (ClusterNode hosted : byName.values()) {
                if (!hosted.votingMember() && hosted.member().equals(name)) {
                    events.add(new ClusterNodeEvent.NodeRemoved(hosted.name(), time));
                }
            }
        }
        events.add(new ClusterNodeEvent.NodeRemoved(name, time));
        return ClusterDecision.accept(events);
    }

    /**
     * A member registers itself as it starts (the first one bootstraps the list, a joining one adds itself like
     * {@code pvecm add}), with the hosts it simulates. Idempotent: an unchanged member yields no events; new
     * addresses are recorded; simulated hosts it no longer runs leave the list.
     */
    public ClusterDecision register(ClusterNode member, List<String> hostedNames, long time) {
        if (!member.votingMember()) {
            return ClusterDecision.reject(Rejection.invalid("member", "'" + member.name()
                    + "' registers as a member, so it must be its own member with 1 vote"));
        }
        Optional<Rejection> problem = member.problem();
        if (problem.isPresent()) {
            return ClusterDecision.reject(problem.get());
        }
        List<ClusterNodeEvent> events = new ArrayList<>();
        int nodeid = nextNodeid();
        Optional<Rejection> taken = takenByOther(member.name(), member.name());
        if (taken.isPresent()) {
            return ClusterDecision.reject(taken.get());
        }
        nodeid = upsert(member, nodeid, time, events);
        for (String hostedName : hostedNames) {
            ClusterNode hosted = ClusterNode.hostedBy(member, hostedName);
            Optional<Rejection> bad = hosted.problem().or(() -> takenByOther(hostedName, member.name()));
            if (bad.isPresent()) {
                return ClusterDecision.reject(bad.get());
            }
            nodeid = upsert(hosted, nodeid, time, events);
        }
        for (ClusterNode n : byName.values()) {
            if (!n.votingMember() && n.member().equals(member.name()) && !hostedNames.contains(n.name())) {
                events.add(new ClusterNodeEvent.NodeRemoved(n.name(), time));
            }
        }
        return ClusterDecision.accept(events);
    }

    private int upsert(ClusterNode node, int nodeid, long time, List<ClusterNodeEvent> events) {
        ClusterNode known = byName.get(node.name());
        if (known == null) {
            events.add(new ClusterNodeEvent.NodeAdded(node.withNodeid(nodeid), time));
            return nodeid + 1;
        }
        if (!known.clusterAddress().equals(node.clusterAddress())
                || !Objects.equals(known.apiAddress(), node.apiAddress())) {
            events.add(new ClusterNodeEvent.NodeAddressesChanged(node.name(), node.clusterAddress(),
                    node.apiAddress(), time));
        }
        return nodeid;
    }

    /** A name the registering member claims but that another member's simulated host (or that member) holds. */
    private Optional<Rejection> takenByOther(String name, String registeringMember) {
        ClusterNode known = byName.get(name);
        if (known != null && !known.member().equals(registeringMember)) {
            return Optional.of(Rejection.conflict("node name '" + name + "' already belongs to member '"
                    + known.member() + "'"));
        }
        return Optional.empty();
    }

    private Optional<Rejection> hostProblem(String member) {
        ClusterNode host = byName.get(member);
        if (host == null || !host.votingMember()) {
            return Optional.of(Rejection.invalid("member", "'" + member + "' is not a member of the cluster"));
        }
        return Optional.empty();
    }

    private int nextNodeid() {
        return byName.values().stream().mapToInt(ClusterNode::nodeid).max().orElse(0) + 1;
    }

    /** Folds one event into the list (the entity and the read model both use this). */
    public NodeList evolve(ClusterNodeEvent event) {
        var next = new TreeMap<>(byName);
        if (event instanceof ClusterNodeEvent.NodeAdded e) {
            next.put(e.node().name(), e.node());
        } else if (event instanceof ClusterNodeEvent.NodeAddressesChanged e) {
            ClusterNode n = next.get(e.name());
            if (n != null) {
                next.put(e.name(), new ClusterNode(n.name(), n.nodeid(), n.member(), e.clusterAddress(),
                        e.apiAddress(), n.votes()));
            }
        } else if (event instanceof ClusterNodeEvent.NodeRemoved e) {
            next.remove(e.name());
        }
        return new NodeList(next);
    }

    /** Folds a decision's events, for callers that want the state after it. */
    public NodeList evolveAll(List<ClusterNodeEvent> events) {
        NodeList state = this;
        for (ClusterNodeEvent e : events) {
            state = state.evolve(e);
        }
        return state;
    }
}
