package org.fabricve.node;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.fabricve.core.cluster.Quorum;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows Pekko Cluster's membership and reachability events and publishes, into {@link ClusterHealth}, the
 * names of the members that are Up (or WeaklyUp, or Leaving) and not marked unreachable. A member cut off from
 * the others sees them become unreachable after the failure detector's pause and turns non-quorate at once,
 * long before the split-brain resolver downs it. Quorum changes are logged.
 */
final class MembershipTracker {

    private static final Logger LOG = LoggerFactory.getLogger(MembershipTracker.class);
    private static final Set<MemberStatus> SERVING = Set.of(MemberStatus.up(), MemberStatus.weaklyUp(),
            MemberStatus.leaving());

    private final ClusterHealth health;
    private final Map<UniqueAddress, Member> members = new HashMap<>();
    private final Set<UniqueAddress> unreachable = new HashSet<>();
    private Boolean wasQuorate;

    private MembershipTracker(ClusterHealth health) {
        this.health = health;
    }

    static Behavior<ClusterEvent.ClusterDomainEvent> create(ClusterHealth health) {
        return Behaviors.setup(ctx -> {
            Cluster cluster = Cluster.get(ctx.getSystem());
            cluster.subscriptions().tell(Subscribe.create(
                    ctx.getSelf().<ClusterEvent.MemberEvent>narrow(), ClusterEvent.MemberEvent.class));
            cluster.subscriptions().tell(Subscribe.create(
                    ctx.getSelf().<ClusterEvent.ReachabilityEvent>narrow(), ClusterEvent.ReachabilityEvent.class));
            MembershipTracker tracker = new MembershipTracker(health);
            return Behaviors.receive(ClusterEvent.ClusterDomainEvent.class)
                    .onMessage(ClusterEvent.ClusterDomainEvent.class, e -> {
                        tracker.apply(e);
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    private void apply(ClusterEvent.ClusterDomainEvent event) {
        if (event instanceof ClusterEvent.MemberRemoved e) {
            members.remove(e.member().uniqueAddress());
            unreachable.remove(e.member().uniqueAddress());
        } else if (event instanceof ClusterEvent.MemberEvent e) {
            members.put(e.member().uniqueAddress(), e.member());
        } else if (event instanceof ClusterEvent.UnreachableMember e) {
            unreachable.add(e.member().uniqueAddress());
        } else if (event instanceof ClusterEvent.ReachableMember e) {
            unreachable.remove(e.member().uniqueAddress());
        } else {
            return;
        }
        Set<String> reachable = new TreeSet<>();
        for (Member m : members.values()) {
            if (SERVING.contains(m.status()) && !unreachable.contains(m.uniqueAddress())) {
                nodeName(m).ifPresent(reachable::add);
            }
        }
        health.reachable(reachable);
        Quorum quorum = health.quorum();
        if (wasQuorate == null || wasQuorate != quorum.quorate()) {
            if (quorum.quorate()) {
                LOG.info("quorate: this member reaches {} of {} votes ({} needed); members reached: {}",
                        quorum.reachableVotes(), quorum.expectedVotes(), quorum.neededVotes(), reachable);
            } else if (wasQuorate != null) {
                LOG.warn("{}; members reached: {}; this member serves reads only", quorum.explanation(), reachable);
            }
            wasQuorate = quorum.quorate();
        }
    }

    static java.util.Optional<String> nodeName(Member m) {
        for (String role : m.getRoles()) {
            if (role.startsWith(ClusterHealth.ROLE_PREFIX)) {
                return java.util.Optional.of(role.substring(ClusterHealth.ROLE_PREFIX.length()));
            }
        }
        return java.util.Optional.empty();
    }
}
