package org.fabricve.node;

import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.fabricve.core.cluster.ClusterNode;
import org.fabricve.core.cluster.NodeList;
import org.fabricve.core.cluster.Quorum;
import org.fabricve.persistence.view.ClusterView;

/**
 * What this member knows about the others, readable at once by anyone (the gateway's write guard, agents,
 * listings): the configured members it reaches now, kept by {@link MembershipTracker} from Pekko Cluster's
 * membership and reachability events, and the configured node list from the read model. Quorum is computed
 * on every read from those two snapshots, so a change to either is seen immediately.
 */
public final class ClusterHealth {

    /** Each member carries the cluster role {@code fabric-node:NAME}: how a Pekko member maps to a node name. */
    public static final String ROLE_PREFIX = "fabric-node:";

    private final ClusterView view;
    private final String localMember;
    private volatile Set<String> reachableMembers = Set.of();

    private ClusterHealth(ClusterView view, String localMember) {
        this.view = view;
        this.localMember = localMember;
    }

    /** Starts the tracker; quorum is false until this member is Up and listed. */
    public static ClusterHealth start(ActorSystem<?> system, ClusterView view, String localMember) {
        ClusterHealth health = new ClusterHealth(view, localMember);
        system.systemActorOf(MembershipTracker.create(health), "membership-tracker", Props.empty());
        return health;
    }

    void reachable(Set<String> members) {
        reachableMembers = Set.copyOf(members);
    }

    public String localMember() {
        return localMember;
    }

    /** The Up members this member reaches now, itself included once it is Up. */
    public Set<String> reachableMembers() {
        return reachableMembers;
    }

    public NodeList nodes() {
        return view.clusterNodes();
    }

    public Quorum quorum() {
        return Quorum.of(view.clusterNodes(), reachableMembers);
    }

    public boolean quorate() {
        return quorum().quorate();
    }

    /**
     * Whether the member that runs {@code node}'s agent is reachable; empty for a node the list does not hold
     * (a node recorded before the list existed, or one whose member has not registered yet).
     */
    public Optional<Boolean> memberReachable(String node) {
        return view.clusterNodes().node(node).map(ClusterNode::member).map(reachableMembers::contains);
    }
}
