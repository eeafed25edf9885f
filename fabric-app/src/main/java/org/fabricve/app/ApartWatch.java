package org.fabricve.app;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member that restarted from the node list in the journal keeps checking, while its own cluster lacks a majority of
 * the recorded members, whether that majority runs in another cluster ({@link ClusterFormation#apart}). It can, when
 * this member formed its cluster on an answer that went stale. Pekko clusters never merge, so such a member stays
 * read-only until it stops; it stops, and {@code fabric up} exits 4 like a downed member, so that the init system's
 * restart joins the running cluster. A member whose cluster holds the majority probes nobody.
 */
final class ApartWatch {

    private static final Logger LOG = LoggerFactory.getLogger(ApartWatch.class);
    static final Duration INTERVAL = Duration.ofSeconds(1);
    /** Answers older than this are stale: two intervals, so a member that answers every probe is always counted. */
    private static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** The shutdown reason of a member that stopped because it was in a cluster apart from its recorded members'. */
    static final CoordinatedShutdown.Reason FORMED_APART = new CoordinatedShutdown.Reason() {
        @Override
        public String toString() {
            return "FormedApart";
        }
    };

    private final ActorSystem<?> system;
    private final FormationProbe probe;
    private final ClusterFormation formation;
    /** A finding must hold for two checks in a row: one answer may be on its way from a member now joining us. */
    private volatile boolean apartBefore;

    private ApartWatch(ActorSystem<?> system, FormationProbe probe, ClusterFormation formation) {
        this.system = system;
        this.probe = probe;
        this.formation = formation;
    }

    static void start(ActorSystem<?> system, FormationProbe probe, ClusterFormation formation) {
        ApartWatch watch = new ApartWatch(system, probe, formation);
        system.scheduler().scheduleAtFixedRate(INTERVAL, INTERVAL, watch::check, system.executionContext());
    }

    private void check() {
        // the shutdown's reason is set the moment it begins: a check after that (or beside it) starts nothing
        if (CoordinatedShutdown.get(system).getShutdownReason().isPresent()) return;
        Set<Address> ours = new HashSet<>();
        for (Member m : Cluster.get(system).state().getMembers()) ours.add(m.address());
        if (formation.holdsMajority(ours)) {
            apartBefore = false;
            return;
        }
        List<Address> outside = formation.others().stream().filter(a -> !ours.contains(a)).toList();
        Map<Address, Boolean> heard = probe.heardSince(outside, FRESH_NANOS);
        outside.forEach(probe::probe);
        Optional<String> apart = formation.apart(ours, heard);
        if (apart.isPresent() && apartBefore) {
            LOG.error("this member is in a cluster apart from the one its recorded members run ({}): it stops, and "
                    + "its restart joins them", apart.get());
            CoordinatedShutdown.get(system).runAll(FORMED_APART);
        }
        apartBefore = apart.isPresent();
    }
}
