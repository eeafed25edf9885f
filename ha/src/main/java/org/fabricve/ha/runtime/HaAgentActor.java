package org.fabricve.ha.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.pattern.AskTimeoutException;
import org.fabricve.core.FabricSerializable;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.guest.Guest;
import org.fabricve.core.guest.GuestOperation;
import org.fabricve.core.guest.GuestState;
import org.fabricve.core.hypervisor.DomainStatus;
import org.fabricve.core.hypervisor.Hypervisor;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.core.task.TaskRecord;
import org.fabricve.core.task.Upid;
import org.fabricve.ha.agent.AgentState;
import org.fabricve.ha.agent.HostAction;
import org.fabricve.ha.agent.ListingGate;
import org.fabricve.ha.agent.LocalAgent;
import org.fabricve.ha.lease.FenceQuorum;
import org.fabricve.ha.manager.CommandResult;
import org.fabricve.ha.manager.HaTimings;
import org.fabricve.ha.manager.LrmMode;
import org.fabricve.ha.manager.ManagerReply;
import org.fabricve.ha.model.Sid;
import org.fabricve.node.FabricServices;
import org.fabricve.node.GuestEntity;
import org.fabricve.node.HostedGuestShards;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local resource manager of one node: the actor shell around the pure {@link LocalAgent}. It renews its
 * lease with every member's lease acceptor and holds it while a majority grants, reports to the manager and
 * runs its orders through the fabric's ordinary paths (the guest entity's start and stop tasks, the entity's
 * home move), and fences itself by killing its HA guests straight through its own hypervisor, which needs
 * nobody else. Its generation is kept in a file, written and fsynced before a renewal carries it.
 */
public final class HaAgentActor {

    private static final Logger LOG = LoggerFactory.getLogger(HaAgentActor.class);
    static final Duration TICK = Duration.ofMillis(100);
    private static final Duration TASK_TIMEOUT = Duration.ofSeconds(30);

    public sealed interface Command extends FabricSerializable {
    }

    /** The manager's orders: the answer to a report of {@code generation}, or its push after a round. */
    public record Orders(ManagerReply reply, long generation) implements Command {
    }

    /** An acceptor's answer to the renewal of {@code generation} sent at {@code sentAt} (this agent's clock). */
    public record LeaseAnswer(String member, long generation, long sentAt, boolean granted, boolean fenced, String reason)
            implements Command {
    }

    /** A graceful shutdown or reboot of the node begins, handled as {@code mode} (from the shutdown policy). */
    public record Leave(LrmMode mode) implements Command {
    }

    /**
     * The member was downed and its process is about to exit: kill this node's HA guests now (the lease would have
     * had this agent kill them later, but the agent goes with the process) and answer once they are dead.
     */
    public record FenceNow(ActorRef<AgentState> replyTo) implements Command {
    }

    /** Asks for the agent's state (tests, status). */
    public record GetState(ActorRef<AgentState> replyTo) implements Command {
    }

    private record Tick() implements Command {
    }

    /** What runs on the hypervisor now; {@code running} is null when it could not be listed. */
    private record Listed(Set<Integer> running) implements Command {
    }

    private record Done(long generation, CommandResult result) implements Command {
    }

    /** An order the fabric did not answer: neither done nor failed (see {@link LocalAgent#unanswered}). */
    private record Unanswered(long generation, long uid) implements Command {
    }

    private record GenerationSaved(long generation) implements Command {
    }

    private record ActionOver(Sid sid) implements Command {
    }

    private record AcceptorsListed(Receptionist.Listing listing) implements Command {
    }

    /** What the agent needs: its node, hypervisor, the fabric's services, the manager, where to keep its generation. */
    public record Settings(String node, Hypervisor hypervisor, Executor blocking, FabricServices services,
                           ActorRef<HaManagerEntity.Command> manager, HaTimings timings, Path generationFile,
                           StartGate startGate, Consumer<Boolean> onLeave) {
    }

    /** A test seam: whether a start of the guest on this node must fail (scenario files' {@code failing}). */
    @FunctionalInterface
    public interface StartGate {
        boolean fails(Sid sid, String node);

        StartGate NEVER = (sid, node) -> false;
    }

    private final Settings s;
    private final ActorContext<Command> ctx;
    private AgentState agent;
    private Set<Sid> running = Set.of();
    private boolean listing;
    private long savedGeneration;
    private final Set<ActorRef<LeaseAcceptorActor.Command>> acceptors = new HashSet<>();
    private long roundSentAt = Long.MIN_VALUE;
    private long roundGeneration = -1;
    private final Set<String> grantedBy = new HashSet<>();
    private boolean roundCounted;
    private ManagerReply lastOrders;
    private long lastRenewal = Long.MIN_VALUE;
    private final Set<Sid> busy = new HashSet<>();
    /** Finished orders count once a listing begun after them is in (see {@link ListingGate}). */
    private ListingGate gate = ListingGate.EMPTY;
    private boolean left;
    /** No renewal announces this generation while a guest an earlier one managed may still run here. */
    private boolean bootFenced;
    private final ManagedGuestsFile managedFile;
    /** The HA guests assigned here, as last published (HostedGuestShards); null until the first publication. */
    private Set<Sid> published;

    private HaAgentActor(Settings s, ActorContext<Command> ctx, long generation, Set<Sid> managedBefore) {
        this.s = s;
        this.ctx = ctx;
        this.agent = AgentState.boot(s.node(), generation, managedBefore);
        this.savedGeneration = generation;
        this.bootFenced = managedBefore.isEmpty();
        this.managedFile = new ManagedGuestsFile(managedGuestsFile(s.generationFile()), managedBefore);
    }

    /** Where the HA guests the agent last knew of are kept: beside the generation file. */
    static Path managedGuestsFile(Path generationFile) {
        String name = generationFile.getFileName().toString().replaceFirst("\\.generation$", "");
        return generationFile.resolveSibling(name + ".managed");
    }

    public static Behavior<Command> create(Settings settings) {
        return Behaviors.setup(ctx -> {
            long generation = readGeneration(settings.generationFile()) + 1;
            writeGeneration(settings.generationFile(), generation); // before anything carries it (start-up, not yet an actor loop)
            ctx.getSystem().receptionist().tell(Receptionist.register(HaKeys.AGENTS, ctx.getSelf()));
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(HaKeys.ACCEPTORS,
                    ctx.messageAdapter(Receptionist.Listing.class, AcceptorsListed::new)));
            Set<Sid> managedBefore = ManagedGuestsFile.read(managedGuestsFile(settings.generationFile()));
            HaAgentActor a = new HaAgentActor(settings, ctx, generation, managedBefore);
            LOG.info("HA agent of node {} up, generation {}{}", settings.node(), generation, managedBefore.isEmpty() ? ""
                    : "; it renews once none of the " + managedBefore.size() + " HA guests it knew of runs here");
            return Behaviors.withTimers(timers -> {
                timers.startTimerWithFixedDelay(new Tick(), TICK);
                return a.behavior();
            });
        });
    }

    private Behavior<Command> behavior() {
        return Behaviors.receive(Command.class)
                .onMessage(Tick.class, m -> tick())
                .onMessage(Listed.class, m -> {
                    listing = false;
                    ListingGate.Released released = gate.listingDone(onListed(m));
                    gate = released.gate();
                    if (!released.results().isEmpty()) {
                        released.results().forEach(d -> agent = LocalAgent.completed(agent, d.generation(), d.result()));
                        // between renewals: the manager learns the outcome up to a renewal period sooner
                        if (agent.holdsLease() && !left) {
                            s.manager().tell(new HaManagerEntity.Report(LocalAgent.report(agent, running, false), ctx.getSelf()));
                        }
                    }
                    return Behaviors.same();
                })
                .onMessage(FenceNow.class, this::fenceNow)
                .onMessage(AcceptorsListed.class, m -> {
                    acceptors.clear();
                    acceptors.addAll(m.listing().getServiceInstances(HaKeys.ACCEPTORS));
                    return Behaviors.same();
                })
                .onMessage(LeaseAnswer.class, this::onLeaseAnswer)
                .onMessage(Orders.class, m -> {
                    if (!m.reply().leaseAccepted()) {
                        if (m.generation() == agent.generation()) {
                            LOG.warn("node {}: the manager refused generation {}: fencing", s.node(), m.generation());
                            apply(LocalAgent.onRenewal(agent, m.reply(), now(), s.timings(), running));
                        }
                        return Behaviors.same();
                    }
                    lastOrders = m.reply();
                    if (agent.holdsLease()) apply(LocalAgent.onOrders(agent, m.reply()));
                    return Behaviors.same();
                })
                .onMessage(Done.class, m -> {
                    gate = gate.finished(new ListingGate.Finished(m.generation(), m.result()));
                    return Behaviors.same();
                })
                .onMessage(Unanswered.class, m -> {
                    agent = LocalAgent.unanswered(agent, m.generation(), m.uid());
                    return Behaviors.same();
                })
                .onMessage(ActionOver.class, m -> {
                    busy.remove(m.sid());
                    return Behaviors.same();
                })
                .onMessage(GenerationSaved.class, m -> {
                    savedGeneration = Math.max(savedGeneration, m.generation());
                    return Behaviors.same();
                })
                .onMessage(Leave.class, m -> {
                    if (agent.leaving() < 0) agent = agent.leavingAs(m.mode(), now());
                    return Behaviors.same();
                })
                .onMessage(GetState.class, m -> {
                    m.replyTo().tell(agent);
                    return Behaviors.same();
                })
                .build();
    }

    /** Takes the listing in; false when the hypervisor could not list. */
    private boolean onListed(Listed m) {
        if (m.running() == null) {
            running = Set.of();
            return false;
        }
        Map<Integer, Sid> byVmid = new HashMap<>();
        agent.managed().forEach(sid -> byVmid.put(sid.vmid(), sid));
        Set<Sid> now = new HashSet<>();
        for (int vmid : m.running()) now.add(byVmid.getOrDefault(vmid, new Sid(Sid.Type.VM, vmid)));
        running = Set.copyOf(now);
        if (!bootFenced && running.stream().noneMatch(agent.managed()::contains)) {
            bootFenced = true;
            LOG.info("node {}: no HA guest of an earlier generation runs here; renewing generation {}",
                    s.node(), agent.generation());
        }
        return true;
    }

    private Behavior<Command> tick() {
        if (left) return Behaviors.same();
        if (!listing) {
            listing = true;
            gate = gate.listingStarted();
            CompletableFuture.supplyAsync(this::listRunning, s.blocking()).whenComplete((set, failure) ->
                    ctx.getSelf().tell(new Listed(failure == null ? set : null)));
        }
        long now = now();
        apply(LocalAgent.tick(agent, now, running));
        if (!left && bootFenced && savedGeneration >= agent.generation()
                && (lastRenewal == Long.MIN_VALUE || now - lastRenewal >= s.timings().renewMillis())) {
            renew(now);
        }
        return Behaviors.same();
    }

    private void renew(long now) {
        lastRenewal = now;
        roundSentAt = now;
        roundGeneration = agent.generation();
        grantedBy.clear();
        roundCounted = false;
        for (ActorRef<LeaseAcceptorActor.Command> a : acceptors) {
            a.tell(new LeaseAcceptorActor.Renew(s.node(), agent.generation(), now, ctx.getSelf()));
        }
        s.manager().tell(new HaManagerEntity.Report(LocalAgent.report(agent, running, false), ctx.getSelf()));
    }

    private Behavior<Command> onLeaseAnswer(LeaseAnswer m) {
        if (m.generation() != agent.generation()) return Behaviors.same(); // an answer for a generation already over
        if (m.fenced()) {
            LOG.warn("node {}: acceptor of {} refused generation {} ({}): fencing", s.node(), m.member(), m.generation(), m.reason());
            apply(LocalAgent.onRenewal(agent, ManagerReply.refused(s.node()), m.sentAt(), s.timings(), running));
            return Behaviors.same();
        }
        if (!m.granted() || m.sentAt() != roundSentAt || m.generation() != roundGeneration || roundCounted) return Behaviors.same();
        grantedBy.add(m.member());
        List<String> voters = s.services().health().nodes().members().stream().map(n -> n.name()).toList();
        long grants = grantedBy.stream().filter(voters::contains).count();
        if (!voters.isEmpty() && grants >= FenceQuorum.majority(voters.size())) {
            roundCounted = true;
            ManagerReply base = lastOrders != null ? lastOrders
                    : new ManagerReply(s.node(), true, List.of(), Map.of(), agent.managed());
            ManagerReply lease = new ManagerReply(s.node(), true, base.commands(), base.assigned(), base.managed());
            apply(LocalAgent.onRenewal(agent, lease, m.sentAt(), s.timings(), running));
        }
        return Behaviors.same();
    }

    private Behavior<Command> fenceNow(FenceNow m) {
        left = true; // the member is going: no renewal, no order from now on
        Set<Integer> managed = new HashSet<>();
        agent.managed().forEach(sid -> managed.add(sid.vmid()));
        apply(LocalAgent.fenceNow(agent, Set.of())); // a new generation; the kills follow here, awaited
        AgentState after = agent;
        CompletableFuture.supplyAsync(() -> {
            List<String> killed = new java.util.ArrayList<>();
            for (DomainStatus d : s.hypervisor().listDomains()) {
                Optional<Integer> vmid = Guest.vmidOfDomain(d.name());
                if (d.state().active() && vmid.isPresent() && managed.contains(vmid.get())) {
                    s.hypervisor().stop(d.name());
                    killed.add(d.name());
                }
            }
            return killed;
        }, s.blocking()).whenComplete((killed, failure) -> {
            if (failure != null) LOG.error("node {}: the member is going and its HA guests could not be killed: {}", s.node(), failure.getMessage());
            else killed.forEach(d -> LOG.warn("node {}: self-fence killed {} (the member is going without a lease)", s.node(), d));
            m.replyTo().tell(after);
        });
        return Behaviors.same();
    }

    private void apply(LocalAgent.Step step) {
        long before = agent.generation();
        agent = step.state();
        if (!agent.managed().equals(managedFile.saved())) managedFile.save(agent.managed(), s.blocking(), s.node());
        if (published == null || !agent.assigned().keySet().equals(published)) {
            // the shard coordinator keeps the entities of the guests assigned here off this member, so they outlive
            // it; published at once even if empty, to replace what an earlier incarnation of this member published
            published = Set.copyOf(agent.assigned().keySet());
            HostedGuestShards.get(ctx.getSystem()).hosting(s.node(), published.stream().map(Sid::vmid).toList());
        }
        if (agent.generation() > before) {
            long g = agent.generation();
            LOG.warn("node {}: fenced itself, now generation {}", s.node(), g);
            CompletableFuture.runAsync(() -> writeGeneration(s.generationFile(), g), s.blocking())
                    .whenComplete((ok, failure) -> {
                        if (failure == null) ctx.getSelf().tell(new GenerationSaved(g));
                        else LOG.error("node {}: cannot save HA generation {}: {}", s.node(), g, failure.getMessage());
                    });
        }
        for (HostAction a : step.actions()) execute(a);
    }

    private void execute(HostAction action) {
        long gen = agent.generation();
        if (action instanceof HostAction.KillGuest k) {
            if (!busy.add(k.sid())) return;
            String domain = Guest.domainName(k.sid().vmid());
            CompletableFuture.runAsync(() -> s.hypervisor().stop(domain), s.blocking()).whenComplete((ok, failure) -> {
                LOG.warn("node {}: self-fence killed {}{}", s.node(), k.sid(), failure == null ? "" : ": " + failure.getMessage());
                ctx.getSelf().tell(new ActionOver(k.sid()));
            });
        } else if (action instanceof HostAction.StartGuest st) {
            track(st.sid(), st.uid(), gen, start(st.sid()).thenApply(o -> {
                // the time a guest began to run here: what a double-run audit compares with the old node's fence
                if (o == CommandResult.Outcome.SUCCESS) LOG.info("node {}: HA started {}", s.node(), st.sid());
                return o;
            }));
        } else if (action instanceof HostAction.StopGuest st) {
            if (st.uid() == 0 && !busy.add(st.sid())) return;
            CompletionStage<CommandResult.Outcome> o = stop(st.sid());
            if (st.uid() == 0) o.whenComplete((x, f) -> ctx.getSelf().tell(new ActionOver(st.sid())));
            else track(st.sid(), st.uid(), gen, o);
        } else if (action instanceof HostAction.MigrateGuest mg) {
            // libvirt's test driver cannot migrate live: a migration is a relocation (stop, move, start there)
            track(mg.sid(), mg.uid(), gen, relocate(mg.sid(), mg.target()));
        } else if (action instanceof HostAction.RelocateGuest r) {
            track(r.sid(), r.uid(), gen, relocate(r.sid(), r.target()));
        } else if (action instanceof HostAction.Leave l) {
            if (left) return;
            left = true;
            if (l.release()) {
                s.manager().tell(new HaManagerEntity.Report(LocalAgent.report(agent, running, true), ctx.getSelf()));
            }
            LOG.info("node {}: HA services handled, the node may go down (lease {})", s.node(), l.release() ? "released" : "kept");
            s.onLeave().accept(l.release());
        }
    }

    private void track(Sid sid, long uid, long gen, CompletionStage<CommandResult.Outcome> outcome) {
        outcome.whenComplete((o, f) -> {
            if (f == null) {
                ctx.getSelf().tell(new Done(gen, new CommandResult(sid, uid, o)));
            } else if (fabricDidNotAnswer(f)) {
                LOG.warn("node {}: order {} of {} not answered by the fabric, it runs again with the next orders: {}",
                        s.node(), uid, sid, f.getMessage());
                ctx.getSelf().tell(new Unanswered(gen, uid));
            } else {
                LOG.warn("node {}: order {} of {} failed: {}", s.node(), uid, sid, f.getMessage());
                ctx.getSelf().tell(new Done(gen, new CommandResult(sid, uid, CommandResult.Outcome.FAILED)));
            }
        });
    }

    /**
     * An ask that timed out, or whose recipient (a shard region) was already gone while its member stops: the
     * guest's entity never saw the order, so nothing is known of the guest.
     */
    static boolean fabricDidNotAnswer(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof AskTimeoutException) return true;
        }
        return false;
    }

    private CompletionStage<CommandResult.Outcome> start(Sid sid) {
        return s.services().guest(sid.vmid()).thenCompose(g -> {
            if (!g.exists()) return failed("start of " + sid, "the guest does not exist");
            if (!s.node().equals(g.guest().node())) return done(CommandResult.Outcome.WRONG_NODE);
            if (s.startGate().fails(sid, s.node())) return failed("start of " + sid, "the scenario makes it fail here");
            if (g.active() != null) {
                // another task (a reconciliation's, an operator's) holds the guest: wait for it, then look again
                return s.services().awaitTask(sid.vmid(), g.active().task().upid(), TASK_TIMEOUT)
                        .thenCompose(x -> start(sid));
            }
            if (g.guest().runState().active()) {
                if (running.contains(sid)) return done(CommandResult.Outcome.SUCCESS);
                // the journal still believes it runs (killed by a fence, crashed): stop it there, then start
                return task(g, GuestOperation.STOP).thenCompose(o -> s.services().guest(sid.vmid()))
                        .thenCompose(g2 -> task(g2, GuestOperation.START));
            }
            return task(g, GuestOperation.START);
        });
    }

    private CompletionStage<CommandResult.Outcome> stop(Sid sid) {
        return s.services().guest(sid.vmid()).thenCompose(g -> {
            if (!g.exists()) return done(CommandResult.Outcome.SUCCESS);
            if (!s.node().equals(g.guest().node())) return done(CommandResult.Outcome.WRONG_NODE);
            if (g.active() == null && !g.guest().runState().active() && !running.contains(sid)) {
                return done(CommandResult.Outcome.SUCCESS);
            }
            return task(g, GuestOperation.STOP);
        });
    }

    /** Stop, move the guest's home (its config) to the target, forget the domain here; the target starts it. */
    private CompletionStage<CommandResult.Outcome> relocate(Sid sid, String target) {
        return stop(sid).thenCompose(o -> {
            if (o != CommandResult.Outcome.SUCCESS) return done(o);
            return s.services().moveHome(sid.vmid(), target, false, "HA relocation from '" + s.node() + "'")
                    .thenCompose(reply -> {
                        if (reply instanceof GuestEntity.Rejected) return done(CommandResult.Outcome.FAILED);
                        return CompletableFuture.supplyAsync(() -> {
                            try {
                                s.hypervisor().undefine(Guest.domainName(sid.vmid()));
                            } catch (RuntimeException e) {
                                LOG.debug("node {}: domain of {} already gone: {}", s.node(), sid, e.getMessage());
                            }
                            return CommandResult.Outcome.SUCCESS;
                        }, s.blocking());
                    });
        });
    }

    private CompletionStage<CommandResult.Outcome> task(GuestState g, GuestOperation op) {
        GuestType type = g.guest().type();
        Upid upid = s.services().newUpid(s.node(), op.taskType(type), Integer.toString(g.guest().vmid()), "root@pam");
        String what = op.name().toLowerCase() + " of vm " + g.guest().vmid();
        return s.services().operate(g.guest().vmid(), op, upid).thenCompose(reply -> {
            if (reply instanceof GuestEntity.Rejected rj) return failed(what, "refused: " + rj.rejection().message());
            return s.services().awaitTask(g.guest().vmid(), upid.format(), TASK_TIMEOUT).thenCompose(st -> {
                Optional<TaskRecord> t = st.task(upid.format());
                if (t.isPresent() && t.get().succeeded()) return done(CommandResult.Outcome.SUCCESS);
                return failed(what, t.map(r -> "task ended: " + r.exitStatus()).orElse("task not found"));
            });
        });
    }

    /** A failed order's reason goes to the log: the manager only learns "failed" and applies its policy. */
    private CompletionStage<CommandResult.Outcome> failed(String what, String why) {
        LOG.warn("node {}: {} failed: {}", s.node(), what, why);
        return done(CommandResult.Outcome.FAILED);
    }

    private static CompletionStage<CommandResult.Outcome> done(CommandResult.Outcome o) {
        return CompletableFuture.completedFuture(o);
    }

    private Set<Integer> listRunning() {
        Set<Integer> out = new HashSet<>();
        for (DomainStatus d : s.hypervisor().activeDomains()) {
            Guest.vmidOfDomain(d.name()).ifPresent(out::add);
        }
        return out;
    }

    static long now() {
        return System.nanoTime() / 1_000_000;
    }

    static long readGeneration(Path file) {
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read the HA generation file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes and fsyncs the generation: a node must never reuse one after a crash. */
    static void writeGeneration(Path file, long generation) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap((generation + "\n").getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the HA generation file " + file + ": " + e.getMessage(), e);
        }
    }
}
