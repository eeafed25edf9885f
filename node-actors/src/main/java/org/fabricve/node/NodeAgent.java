package org.fabricve.node;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.fabricve.core.FabricSerializable;
import org.fabricve.core.guest.ActiveOperation;
import org.fabricve.core.guest.Guest;
import org.fabricve.core.guest.GuestState;
import org.fabricve.core.guest.Reconciliation;
import org.fabricve.core.hypervisor.DomainStatus;
import org.fabricve.core.hypervisor.HostInfo;
import org.fabricve.core.hypervisor.Hypervisor;
import org.fabricve.core.hypervisor.PoolInfo;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.core.hypervisor.VolumeInfo;
import org.fabricve.persistence.view.ClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent of one hypervisor host. It runs every hypervisor call on the blocking executor it is given
 * (never on the actor's own thread), reports task outcomes to the guest entities, and reconciles the
 * journal's belief with the host at start and periodically.
 */
public final class NodeAgent {

    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
    private static final Duration ENTITY_TIMEOUT = Duration.ofSeconds(5);

    public sealed interface Command extends FabricSerializable {}

    /** Run the guest's active operation and report to its entity. */
    public record Execute(Guest guest, ActiveOperation operation) implements Command {}

    /** Compare journal and hypervisor now (the timer sends it; a look already under way absorbs it). */
    public record Reconcile() implements Command {}

    public record QueryDomain(int vmid, ActorRef<DomainResult> replyTo) implements Command {}

    public record QueryPools(ActorRef<PoolsResult> replyTo) implements Command {}

    /** The host path of a running guest's serial console, if it has one. */
    public record QueryConsole(int vmid, ActorRef<ConsoleResult> replyTo) implements Command {}

    /**
     * Open a running guest's serial console for another member: the reply offers it as stream refs (the pty
     * is opened here, on this agent's host), or {@link ConsoleRefs#NONE}.
     */
    public record OpenConsole(int vmid, ActorRef<ConsoleRefs> replyTo) implements Command {}

    public record QueryVolumes(String storage, ActorRef<VolumesResult> replyTo) implements Command {}

    /** A reply that may cross members is a record of ours (an Optional has no serializer). Null: no such domain. */
    public record DomainResult(DomainStatus domain) implements FabricSerializable {}

    /** The console's host path on the agent's host; null when the guest has none or is not running. */
    public record ConsoleResult(String path) implements FabricSerializable {}

    public record PoolsResult(List<PoolInfo> pools, String error) implements FabricSerializable {}

    public record VolumesResult(List<VolumeInfo> volumes, String error) implements FabricSerializable {}

    private record ReconcileDone() implements Command {}

    /** Look again whether a guest asked to shut down has stopped ({@code began}: the request, nanoTime). */
    private record ShutdownLook(Execute task, long began) implements Command {}

    /** What the look saw: the guest still runs, or not; {@code failure} when the hypervisor could not say. */
    private record ShutdownLooked(Execute task, long began, boolean running, String failure) implements Command {}

    /** How often a shutdown task looks whether its guest has stopped. */
    private static final Duration SHUTDOWN_LOOK_EVERY = Duration.ofMillis(500);

    /** The agent's settings; {@code blocking} is the executor every hypervisor call runs on. */
    public record Settings(String node, Hypervisor hypervisor, HostInfo host, Executor blocking,
                           ClusterView view, ClusterSharding sharding, AgentDirectory directory,
                           Duration reconcileInterval, Clock clock, java.util.function.BooleanSupplier quorate) {}

    private final Settings settings;
    private final OperationRunner runner;
    /** When the agent last touched a guest's domain (millis): reconciliation must not undo a newer task. */
    private final Map<Integer, Long> lastActivity = new ConcurrentHashMap<>();
    private boolean reconciling;

    private NodeAgent(Settings settings) {
        this.settings = settings;
        this.runner = new OperationRunner(settings.hypervisor());
    }

    public static Behavior<Command> create(Settings settings) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(AgentDirectory.AGENTS, ctx.getSelf()));
            settings.directory().putLocal(settings.node(), ctx.getSelf());
            settings.sharding().entityRefFor(NodeEntity.TYPE_KEY, settings.node())
                    .tell(new NodeEntity.Register(settings.host()));
            NodeAgent agent = new NodeAgent(settings);
            return Behaviors.withTimers(timers -> {
                timers.startTimerWithFixedDelay(new Reconcile(), settings.reconcileInterval());
                ctx.getSelf().tell(new Reconcile());
                return agent.behavior(ctx);
            });
        });
    }

    private Behavior<Command> behavior(ActorContext<Command> ctx) {
        return Behaviors.receive(Command.class)
                .onMessage(Execute.class, m -> {
                    if (m.operation().operation() == org.fabricve.core.guest.GuestOperation.SHUTDOWN) {
                        beginShutdown(m, ctx);
                    } else {
                        execute(m);
                    }
                    return Behaviors.same();
                })
                .onMessage(ShutdownLook.class, m -> {
                    String domain = Guest.domainName(m.task().guest().vmid());
                    blocking(() -> settings.hypervisor().domain(domain).map(d -> d.state().active()).orElse(false))
                            .whenComplete((running, failure) -> ctx.getSelf().tell(new ShutdownLooked(m.task(), m.began(),
                                    failure == null && running, failure == null ? null : rootMessage(failure))));
                    return Behaviors.same();
                })
                .onMessage(ShutdownLooked.class, m -> {
                    afterShutdownLook(m, ctx);
                    return Behaviors.same();
                })
                .onMessage(Reconcile.class, m -> {
                    // while stopping, the hypervisor connection is about to close: a look would only fail
                    boolean stopping = org.apache.pekko.actor.CoordinatedShutdown.get(ctx.getSystem())
                            .getShutdownReason().isPresent();
                    // a member without quorum starts nothing of its own: the majority may own these guests now
                    if (!stopping && !reconciling && settings.quorate().getAsBoolean()) {
                        reconciling = true;
                        blocking(this::reconcileOnce).whenComplete((ok, failure) -> {
                            if (failure != null) {
                                LOG.warn("reconciliation of node {} failed: {}", settings.node(), failure.getMessage());
                            }
                            ctx.getSelf().tell(new ReconcileDone());
                        });
                    }
                    return Behaviors.same();
                })
                .onMessage(ReconcileDone.class, m -> {
                    reconciling = false;
                    return Behaviors.same();
                })
                .onMessage(QueryDomain.class, m -> {
                    blocking(() -> settings.hypervisor().domain(Guest.domainName(m.vmid())))
                            .whenComplete((d, failure) -> m.replyTo().tell(
                                    new DomainResult(failure == null ? d.orElse(null) : null)));
                    return Behaviors.same();
                })
                .onMessage(QueryConsole.class, m -> {
                    blocking(() -> settings.hypervisor().serialConsole(Guest.domainName(m.vmid())))
                            .whenComplete((p, failure) -> m.replyTo().tell(
                                    new ConsoleResult(failure == null ? p.orElse(null) : null)));
                    return Behaviors.same();
                })
                .onMessage(OpenConsole.class, m -> {
                    var materializer = org.apache.pekko.stream.Materializer.matFromSystem(ctx.getSystem());
                    // the path lookup runs on the blocking executor; the pty's own IO on the blocking-IO dispatcher
                    blocking(() -> settings.hypervisor().serialConsole(Guest.domainName(m.vmid())))
                            .whenComplete((p, failure) -> m.replyTo().tell(failure != null || p.isEmpty()
                                    ? ConsoleRefs.NONE
                                    : ConsoleRefs.offer(PtyConsole.of(java.nio.file.Path.of(p.get())), materializer)));
                    return Behaviors.same();
                })
                .onMessage(QueryPools.class, m -> {
                    blocking(() -> settings.hypervisor().pools()).whenComplete((pools, failure) ->
                            m.replyTo().tell(failure == null ? new PoolsResult(pools, null)
                                    : new PoolsResult(List.of(), rootMessage(failure))));
                    return Behaviors.same();
                })
                .onMessage(QueryVolumes.class, m -> {
                    blocking(() -> settings.hypervisor().volumes(m.storage())).whenComplete((vols, failure) ->
                            m.replyTo().tell(failure == null ? new VolumesResult(vols, null)
                                    : new VolumesResult(List.of(), rootMessage(failure))));
                    return Behaviors.same();
                })
                .build();
    }

    private void execute(Execute m) {
        int vmid = m.guest().vmid();
        touch(vmid);
        blocking(() -> runner.run(m.guest(), m.operation())).whenComplete((result, failure) -> report(m,
                failure == null ? result : new GuestEntity.ReportResult(m.operation().task().upid(),
                        rootMessage(failure), List.of(), null, null)));
    }

    /**
     * A shutdown asks the guest to power off and then waits without holding a hypervisor thread: it looks every
     * {@link #SHUTDOWN_LOOK_EVERY} until the guest has stopped or the timeout has passed (Proxmox's qmshutdown).
     */
    private void beginShutdown(Execute m, ActorContext<Command> ctx) {
        int vmid = m.guest().vmid();
        touch(vmid);
        long began = System.nanoTime();
        blocking(() -> {
            settings.hypervisor().shutdown(Guest.domainName(vmid));
            return null;
        }).whenComplete((ok, failure) -> {
            if (failure != null) {
                report(m, new GuestEntity.ReportResult(m.operation().task().upid(), rootMessage(failure), List.of(),
                        null, null));
            } else {
                ctx.getSelf().tell(new ShutdownLook(m, began));
            }
        });
    }

    private void afterShutdownLook(ShutdownLooked m, ActorContext<Command> ctx) {
        Execute task = m.task();
        String upid = task.operation().task().upid();
        if (m.failure() != null) {
            report(task, new GuestEntity.ReportResult(upid, m.failure(), List.of(), null, null));
            return;
        }
        long waited = (System.nanoTime() - m.began()) / 1_000_000;
        var options = task.operation().shutdownOrDefault();
        String seconds = String.format(java.util.Locale.ROOT, "%.1f s", waited / 1000.0);
        switch (options.next(m.running(), waited)) {
            case DONE -> report(task, new GuestEntity.ReportResult(upid, org.fabricve.core.task.TaskRecord.OK,
                    List.of("the guest powered off after " + seconds), null, null));
            case WAIT -> ctx.scheduleOnce(SHUTDOWN_LOOK_EVERY, ctx.getSelf(), new ShutdownLook(task, m.began()));
            case FORCE_STOP -> blocking(() -> {
                settings.hypervisor().stop(Guest.domainName(task.guest().vmid()));
                return null;
            }).whenComplete((ok, failure) -> report(task, failure == null
                    ? new GuestEntity.ReportResult(upid, org.fabricve.core.task.TaskRecord.OK, List.of(
                            "VM still running after " + seconds + " - terminating now (forceStop)"), null, null)
                    : new GuestEntity.ReportResult(upid, rootMessage(failure), List.of(), null, null)));
            case GIVE_UP -> report(task, new GuestEntity.ReportResult(upid, "VM quit/powerdown failed - got timeout",
                    List.of("still running after " + seconds + "; forceStop=1 stops it hard"), null, RunState.RUNNING));
        }
    }

    private void report(Execute m, GuestEntity.ReportResult result) {
        int vmid = m.guest().vmid();
        touch(vmid);
        settings.sharding().entityRefFor(GuestEntity.TYPE_KEY, Integer.toString(vmid)).tell(result);
    }

    private void touch(int vmid) {
        lastActivity.put(vmid, settings.clock().millis());
    }

    private Void reconcileOnce() {
        long lookStarted = settings.clock().millis();
        List<GuestState> mine = new ArrayList<>();
        for (GuestState g : settings.view().guests()) {
            if (g.guest() != null && settings.node().equals(g.guest().node())) {
                mine.add(g);
            }
        }
        Reconciliation.Report report = Reconciliation.compare(mine, settings.hypervisor().listDomains());
        for (Reconciliation.StateDiffers d : report.differing()) {
            if (lastActivity.getOrDefault(d.vmid(), 0L) < lookStarted) {
                guest(d.vmid()).tell(new GuestEntity.Observe(d.observed(),
                        "reconciliation: the hypervisor reports " + d.observed().name().toLowerCase()
                                + ", the journal said " + d.believed().name().toLowerCase()));
            }
        }
        for (Guest g : report.missingDomains()) {
            // the view may lag a delete: only the entity can say the guest still wants its domain
            boolean stillWanted = lastActivity.getOrDefault(g.vmid(), 0L) < lookStarted
                    && authoritative(g.vmid()).map(s -> s.active() == null && s.guest() != null
                    && settings.node().equals(s.guest().node())).orElse(false);
            if (!stillWanted) {
                continue;
            }
            try {
                runner.define(g);
                LOG.info("node {}: domain of {} was missing; redefined from its config", settings.node(), g.label());
                guest(g.vmid()).tell(new GuestEntity.Observe(RunState.STOPPED,
                        "reconciliation: the domain was missing on the hypervisor and was redefined from the config"));
            } catch (RuntimeException e) {
                LOG.warn("node {}: could not redefine {}: {}", settings.node(), g.label(), e.getMessage());
            }
        }
        // waking an entity whose task was interrupted makes it recover and finish that task
        for (int vmid : report.interrupted()) {
            guest(vmid).tell(new GuestEntity.Wake());
        }
        var foreign = new java.util.TreeSet<String>();
        for (String name : report.foreignDomains()) {
            // a fabric-named domain may belong to a guest the view has not folded in yet: ask its entity
            Optional<Integer> vmid = Guest.vmidOfDomain(name);
            boolean owned = vmid.isPresent() && authoritative(vmid.get())
                    .map(s -> s.guest() != null && settings.node().equals(s.guest().node())).orElse(true);
            if (!owned) {
                foreign.add(name);
            }
        }
        settings.sharding().entityRefFor(NodeEntity.TYPE_KEY, settings.node())
                .tell(new NodeEntity.ObserveForeignDomains(foreign));
        return null;
    }

    /** The guest entity's own state; runs on the blocking executor, so waiting here blocks no actor. */
    private Optional<GuestState> authoritative(int vmid) {
        try {
            return Optional.of(guest(vmid).ask(GuestEntity.Get::new, ENTITY_TIMEOUT).toCompletableFuture()
                    .get(ENTITY_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<GuestEntity.Command> guest(int vmid) {
        return settings.sharding().entityRefFor(GuestEntity.TYPE_KEY, Integer.toString(vmid));
    }

    private <T> CompletableFuture<T> blocking(java.util.function.Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, settings.blocking());
    }

    static String rootMessage(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
