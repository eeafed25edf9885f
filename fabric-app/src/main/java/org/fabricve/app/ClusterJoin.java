package org.fabricve.app;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Sink;
import org.fabricve.core.cluster.ClusterNode;
import org.fabricve.core.cluster.ClusterNodeEvent;
import org.fabricve.core.cluster.NodeList;
import org.fabricve.persistence.EventFeed;
import org.fabricve.node.ClusterNodesEntity;
import org.fabricve.node.FabricServices;
import org.fabricve.persistence.view.ClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a member enters its cluster: it forms a new one by joining itself, or joins the member given by
 * {@code --join} through Pekko's seed-node protocol (which runs the join configuration check,
 * {@link FabricJoinCheck}); either way it waits, with a deadline, until it is Up. Then it registers itself in
 * the configured node list. A member that the cluster downs, or that is refused at join, says why.
 */
final class ClusterJoin {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterJoin.class);

    /** The member could not join: refused by the configuration check, or no answer within the deadline. */
    static final class JoinFailed extends RuntimeException {
        JoinFailed(String message) {
            super(message);
        }
    }

    private ClusterJoin() {}

    /**
     * The other members of the configured node list this member's journal already holds: a member that
     * restarts without {@code --join} finds its cluster again through them. Empty on a new journal; a journal
     * that cannot be read stops the start rather than risk a second cluster on it.
     */
    static List<Address> persistedMembers(ActorSystem<?> system, EventFeed feed, String self, Duration timeout) {
        String pid = PersistenceId.of(ClusterNodesEntity.TYPE_KEY.name(), ClusterNodesEntity.ENTITY_ID).id();
        try {
            NodeList nodes = feed.currentEventsOf(pid)
                    .runWith(Sink.fold(NodeList.EMPTY, (list, e) -> e instanceof ClusterNodeEvent ev ? list.evolve(ev) : list),
                            system)
                    .toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return nodes.members().stream().filter(m -> !m.name().equals(self))
                    .map(m -> seedAddress(system, m.clusterAddress())).toList();
        } catch (Exception e) {
            // the schema exists by now, so an empty journal reads as an empty list: a failure here is the
            // journal failing, and forming a new cluster on it could split the one it already holds
            throw new IllegalStateException("cannot read the cluster's node list from the journal: "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
    }

    /**
     * {@code join}: the member given by {@code --join}. Without it, {@code knownMembers} (the persisted node list's
     * other members) are probed ({@link FormationProbe}): a running member is joined; if none runs, the members
     * that are starting form the cluster again as {@link ClusterFormation} decides, so a whole cluster restarts
     * without {@code --join}, two of three members regain quorum whichever one stays away, and no second quorate
     * cluster forms on the shared journal. Such a member then watches for a majority of the recorded members running
     * in another cluster ({@link ApartWatch}) and stops if they do.
     */
    static void joinAndAwaitUp(ActorSystem<?> system, Optional<String> join, List<Address> knownMembers,
                               Duration timeout) throws Exception {
        Cluster cluster = Cluster.get(system);
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "log-stop-reason",
                () -> {
                    stopProblem(system).ifPresent(LOG::error);
                    return CompletableFuture.completedFuture(Done.getInstance());
                });
        FormationProbe probe = FormationProbe.start(system, system.settings().config().getString("fabric.cluster-name"));
        CompletableFuture<Done> up = new CompletableFuture<>();
        org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system)).registerOnMemberUp(
                () -> up.complete(Done.getInstance()));
        system.getWhenTerminated().thenRun(() -> up.completeExceptionally(new JoinFailed(join.map(j ->
                "could not join the cluster at " + j + ": " + stopProblem(system).orElse("the member stopped"))
                .orElse("the member stopped while forming its cluster"))));
        long deadline = System.nanoTime() + timeout.toNanos();
        String waitingFor = "";
        if (join.isPresent()) {
            Address seed = seedAddress(system, join.get());
            LOG.info("joining the cluster at {}", seed);
            cluster.manager().tell(new JoinSeedNodes(List.of(seed)));
        } else if (!knownMembers.isEmpty()) {
            waitingFor = rejoin(cluster, probe, knownMembers, up, deadline);
        } else {
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
        }
        try {
            up.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (join.isEmpty() && !knownMembers.isEmpty()) {
                ApartWatch.start(system, probe, new ClusterFormation(cluster.selfMember().address(), knownMembers));
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof JoinFailed f ? f : e;
        } catch (TimeoutException e) {
            throw new JoinFailed(join.map(j -> "no member at " + j).orElse(knownMembers.isEmpty()
                    ? "this member" : "no member of the node list in the journal " + knownMembers + waitingFor)
                    + " accepted this member within " + timeout.toSeconds() + " s: is it running, is its cluster port "
                    + "reachable from here, and does this member's cluster address (" + cluster.selfMember().address()
                    + ") reach back?");
        }
    }

    private static final long PROBE_MILLIS = 500;
    /** Long enough for every running member to answer a probe; the answers older than this are stale. */
    private static final long ANSWER_WINDOW_MILLIS = 2_000;

    /**
     * Probes the recorded members until one runs (join it) or this member is to form the cluster (a decision that
     * must hold for two probes in a row, 0.5 s apart, so that a member whose answer was still on its way is counted); returns
     * what it last waited for, for the message of a join that timed out. A member joined that stops answering as Up
     * before it accepted this one (the split-brain resolver downed it meanwhile) ends the start at once: this member
     * cannot join another cluster now, and a restart finds the members that run, or forms the cluster with them.
     */
    private static String rejoin(Cluster cluster, FormationProbe probe, List<Address> knownMembers,
                                 CompletableFuture<Done> up, long deadline) throws InterruptedException {
        Address self = cluster.selfMember().address();
        ClusterFormation formation = new ClusterFormation(self, knownMembers);
        LOG.info("looking for the cluster recorded in the journal among its members {}", formation.others());
        long window = TimeUnit.MILLISECONDS.toNanos(ANSWER_WINDOW_MILLIS);
        long began = System.nanoTime();
        boolean formSeen = false;
        List<Address> joined = List.of();
        long joinedAt = 0;
        ClusterFormation.Decision last = null;
        while (!up.isDone() && System.nanoTime() < deadline) {
            formation.others().forEach(probe::probe);
            Thread.sleep(PROBE_MILLIS);
            Map<Address, Boolean> heard = probe.heardSince(formation.others(), window);
            if (!joined.isEmpty()) {
                boolean stillUp = joined.stream().anyMatch(a -> Boolean.TRUE.equals(heard.get(a)));
                if (!stillUp && System.nanoTime() - joinedAt > window) {
                    up.completeExceptionally(new JoinFailed("the members it was joining, " + joined
                            + ", stopped running before they accepted it"));
                }
                continue;
            }
            last = formation.decide(heard, System.nanoTime() - began >= window);
            if (last instanceof ClusterFormation.Decision.JoinRunning j) {
                LOG.info("joining the running members {}", j.members());
                cluster.manager().tell(new JoinSeedNodes(j.members()));
                joined = j.members();
                joinedAt = System.nanoTime();
            } else if (last instanceof ClusterFormation.Decision.Form f) {
                if (formSeen) {
                    LOG.info("forming the cluster again: {}", f.why());
                    cluster.manager().tell(Join.create(self));
                    return "";
                }
                formSeen = true;
            } else {
                formSeen = false;
            }
        }
        return last instanceof ClusterFormation.Decision.Wait w ? " (" + w.why() + ")" : "";
    }

    private static Address seedAddress(ActorSystem<?> system, String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Address("pekko", system.name(), host, Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** Why the member stopped on its own: downed, or refused at join; empty for an ordinary stop. */
    static Optional<String> stopProblem(ActorSystem<?> system) {
        return CoordinatedShutdown.get(system).getShutdownReason().flatMap(reason -> {
            if (reason == CoordinatedShutdown.clusterDowningReason()) {
                return Optional.of("this member was downed by the cluster (it was cut off from the majority, or "
                        + "removed): it stopped serving. Restart it to rejoin.");
            }
            if (reason == ApartWatch.FORMED_APART) {
                return Optional.of("this member was in a cluster apart from the one its recorded members run (it "
                        + "formed its cluster on an answer that went stale): it stopped. Restart it to join them.");
            }
            if (reason == CoordinatedShutdown.incompatibleConfigurationDetectedReason()) {
                return Optional.of("the join was refused: the cluster names or journal stores differ, or a member "
                        + "uses the embedded H2 store (the reason is logged as 'cluster join refused' on the "
                        + "refusing side)");
            }
            return Optional.empty();
        });
    }

    /**
     * Enters this member (and the hosts it simulates) into the configured node list, retrying while sharding
     * settles, and waits until the read model shows it: from then on this member counts its own vote.
     */
    static void registerMember(FabricServices services, ClusterView view, Address self, String bindHost,
                               int apiPort, List<String> hosted, Duration timeout) throws InterruptedException {
        String host = self.getHost().orElse("127.0.0.1");
        String apiHost = bindHost.equals("0.0.0.0") || bindHost.equals("::") ? host : bindHost;
        String clusterAddress = bracketed(host) + ":" + self.getPort().orElse(0);
        ClusterNode me = ClusterNode.member(services.localNode(), clusterAddress, bracketed(apiHost) + ":" + apiPort);
        long deadline = System.nanoTime() + timeout.toNanos();
        ClusterNodesEntity.Reply reply = StartupRetry.untilAnswered("register in the node list", timeout,
                () -> services.registerMember(me, hosted));
        if (reply instanceof ClusterNodesEntity.Refused r) {
            throw new IllegalStateException("this member cannot enter the cluster's node list: "
                    + r.rejection().message());
        }
        while (!view.clusterNodes().node(me.name()).map(n -> n.clusterAddress().equals(clusterAddress)).orElse(false)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the node list did not show " + me.name() + " within " + timeout);
            }
            Thread.sleep(10);
        }
    }

    private static String bracketed(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
