package org.fabricve.ha.sim;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.fabricve.ha.agent.HostAction;
import org.fabricve.ha.agent.LocalAgent;
import org.fabricve.ha.env.HaEnvironment;
import org.fabricve.ha.env.ManagerService;
import org.fabricve.ha.manager.CommandResult;
import org.fabricve.ha.manager.CrmCommand;
import org.fabricve.ha.manager.HaEvent;
import org.fabricve.ha.manager.HaStatus;
import org.fabricve.ha.manager.HaTimings;
import org.fabricve.ha.manager.LrmMode;
import org.fabricve.ha.manager.ManagerReply;
import org.fabricve.ha.manager.ManagerState;
import org.fabricve.ha.manager.NodeCapacity;
import org.fabricve.ha.manager.NodeReport;
import org.fabricve.ha.manager.NodeState;
import org.fabricve.ha.manager.NodeStatus;
import org.fabricve.ha.model.HaConfig;
import org.fabricve.ha.model.ServiceConfig;
import org.fabricve.ha.model.Sid;
import org.fabricve.ha.scenario.ServicesSettled;
import org.fabricve.ha.scenario.ClusterUnderTest;
import org.fabricve.ha.scenario.TimelineCommand;

/**
 * A deterministic simulated cluster: a virtual clock advanced in 100 ms ticks, nodes that power on and
 * off, lose and regain the network, drift, and host guests that may fail to start; the production
 * {@link ManagerService} (on the quorate partition's first node) and the production {@link LocalAgent}
 * on every node. Messages are delivered at once between connected nodes and lost otherwise.
 */
public final class SimCluster implements ClusterUnderTest {

    public static final long TICK_MILLIS = 100;
    public static final long MIGRATION_MILLIS = 1_000;
    public static final long REBOOT_MILLIS = 5_000;
    private static final int QUIET_ROUNDS = 3;

    private final HaTimings timings;
    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    private final Map<Sid, String> home = new TreeMap<>();
    private final Map<Sid, Set<String>> failing;
    private final List<CrmCommand> crmQueue = new ArrayList<>();
    private final List<Migration> inflight = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final ManagerService manager;
    private HaConfig config;
    private long now;
    private String host;
    private long lastRound = Long.MIN_VALUE;
    private int quietRounds;

    private record Migration(Sid sid, long uid, String source, String target, long generation, long due) {
    }

    public SimCluster(HaConfig config, Map<Sid, Set<String>> failing, HaTimings timings, Map<String, Double> drift) {
        this.config = config;
        this.failing = Map.copyOf(failing);
        this.timings = timings;
        for (String n : config.nodes()) nodes.put(n, new SimNode(n, drift.getOrDefault(n, 0.0)));
        config.services().values().forEach(s -> home.put(s.sid(), s.node()));
        this.manager = new ManagerService(new Ports(), timings, ManagerState.empty());
    }

    public SimCluster(HaConfig config, Map<Sid, Set<String>> failing) {
        this(config, failing, HaTimings.DEFAULT, Map.of());
    }

    // ---- the runner's side ---------------------------------------------------------------------------

    @Override
    public void apply(TimelineCommand c) {
        quietRounds = 0;
        if (c instanceof TimelineCommand.Power p) {
            SimNode n = nodes.get(p.node());
            if (p.on() && !n.powered) n.powerOn();
            if (!p.on() && n.powered) {
                n.powerOff();
                n.powerOnAt = -1;
            }
            note("power " + p.node() + (p.on() ? " on" : " off"));
        } else if (c instanceof TimelineCommand.Network net) {
            nodes.get(net.node()).network = net.on();
            note("network " + net.node() + (net.on() ? " on" : " off"));
        } else if (c instanceof TimelineCommand.Shutdown s) {
            SimNode n = nodes.get(s.node());
            if (!n.powered) throw new IllegalArgumentException("node '" + s.node() + "' is powered off");
            LrmMode mode = LrmMode.forShutdown(config.shutdownPolicy(), s.reboot());
            n.agent = n.agent.leavingAs(mode, n.clock(now));
            n.rebootAfterLeave = s.reboot();
            note((s.reboot() ? "reboot " : "shutdown ") + s.node() + " (policy " + config.shutdownPolicy().wire() + ", agent mode " + mode.wire() + ")");
        } else if (c instanceof TimelineCommand.SetState st) {
            ServiceConfig sc = config.service(st.sid()).orElseThrow(() -> new IllegalArgumentException(st.sid() + " is not an HA resource"));
            config = config.withService(sc.withState(st.state()));
        } else if (c instanceof TimelineCommand.Move m) {
            crmQueue.add(m.relocate() ? new CrmCommand.Relocate(m.sid(), m.node()) : new CrmCommand.Migrate(m.sid(), m.node()));
        } else if (c instanceof TimelineCommand.Add a) {
            if (config.services().containsKey(a.sid())) throw new IllegalArgumentException(a.sid() + " is already an HA resource");
            String h = home.get(a.sid());
            if (h != null && !h.equals(a.node())) throw new IllegalArgumentException(a.sid() + " is a guest of node '" + h + "', not '" + a.node() + "'");
            home.put(a.sid(), a.node());
            config = config.withService(ServiceConfig.of(a.sid(), a.node(), a.state()));
        } else if (c instanceof TimelineCommand.Delete d) {
            config = config.withoutService(d.sid());
        } else if (c instanceof TimelineCommand.Crash cr) {
            nodes.values().forEach(n -> n.running.remove(cr.sid()));
            note("guest " + cr.sid() + " crashed");
        } else if (c instanceof TimelineCommand.Maintenance m) {
            crmQueue.add(new CrmCommand.NodeMaintenance(m.node(), m.enable()));
        } else if (c instanceof TimelineCommand.Delay d) {
            advance(d.seconds() * 1000);
        }
    }

    @Override
    public void advance(long millis) {
        for (long t = 0; t < millis; t += TICK_MILLIS) tick();
    }

    @Override
    public Optional<String> unsettled() {
        if (!inflight.isEmpty()) return Optional.of(inflight.size() + " messages in flight");
        for (SimNode n : nodes.values()) {
            if (n.powered && n.agent.leaving() >= 0) return Optional.of(n.name + " is leaving");
            if (!n.powered && n.powerOnAt >= 0) return Optional.of(n.name + " is powering on");
        }
        for (SimNode n : nodes.values()) {
            if (!n.powered) continue;
            boolean connected = host != null && reachable(n.name, host);
            // joining, or about to fence itself
            if (connected != n.agent.holdsLease()) return Optional.of(n.name + (connected ? " has no lease yet" : " still holds its lease"));
        }
        if (host == null) return Optional.empty();
        ManagerState s = manager.state();
        long hostNow = nodes.get(host).clock(now);
        for (var e : s.nodes().entrySet()) {
            NodeStatus ns = e.getValue();
            if (ns.state() == NodeState.FENCE) return Optional.of(e.getKey() + " is being fenced");
            if (ns.alive(hostNow, timings) && ns.state() == NodeState.UNKNOWN) return Optional.of(e.getKey() + " (re)joined, not yet seen");
            boolean up = ns.state() == NodeState.ONLINE || (ns.state() == NodeState.MAINTENANCE && !ns.released());
            // a renewal overdue: the node is being lost, the manager will act on it after the online timeout
            if (up && hostNow - ns.lastSeen() > timings.renewMillis() + 2 * TICK_MILLIS) return Optional.of(e.getKey() + " is being lost");
        }
        Optional<String> services = ServicesSettled.pending(config, s);
        if (services.isPresent()) return services;
        return quietRounds >= QUIET_ROUNDS ? Optional.empty() : Optional.of("quiet for " + quietRounds + " rounds only");
    }

    @Override
    public Map<Sid, HaStatus.ServiceView> status() {
        return HaStatus.current(config, manager.state());
    }

    @Override
    public Map<Sid, Set<String>> runningGuests() {
        Map<Sid, Set<String>> out = new TreeMap<>();
        for (SimNode n : nodes.values()) {
            if (!n.powered) continue;
            for (Sid sid : n.running) out.computeIfAbsent(sid, k -> new TreeSet<>()).add(n.name);
        }
        return out;
    }

    @Override
    public List<String> violations() {
        return List.of(); // the runner checks the hypervisors after every tick itself
    }

    @Override
    public long elapsedMillis() {
        return now;
    }

    @Override
    public List<String> log() {
        return List.copyOf(log);
    }

    public ManagerState managerState() {
        return manager.state();
    }

    public HaConfig config() {
        return config;
    }

    public String managerNode() {
        return host;
    }

    // ---- one tick ------------------------------------------------------------------------------------

    private void tick() {
        now += TICK_MILLIS;
        for (SimNode n : nodes.values()) {
            if (!n.powered && n.powerOnAt >= 0 && now >= n.powerOnAt) {
                n.powerOn();
                quietRounds = 0;
                note("node " + n.name + " is up again");
            }
        }
        completeMigrations();
        for (SimNode n : nodes.values()) {
            if (!n.powered) continue;
            LocalAgent.Step step = LocalAgent.tick(n.agent, n.clock(now), Set.copyOf(n.running));
            n.agent = step.state();
            execute(n, step.actions());
        }
        for (SimNode n : nodes.values()) {
            if (n.powered && (n.lastRenewal == Long.MIN_VALUE || n.clock(now) - n.lastRenewal >= timings.renewMillis())) renew(n, false);
        }
        String h = quorateHost();
        if (h == null ? host != null : !h.equals(host)) {
            host = h;
            lastRound = Long.MIN_VALUE;
            note(h == null ? "no quorate partition: no manager" : "manager runs on " + h);
        }
        if (host != null) {
            long hc = nodes.get(host).clock(now);
            if (lastRound == Long.MIN_VALUE || hc - lastRound >= timings.roundMillis()) {
                lastRound = hc;
                long changes = manager.round().stream().filter(e -> !(e instanceof HaEvent.NodeSeen)).count();
                quietRounds = changes == 0 ? quietRounds + 1 : 0;
            }
        } else {
            manager.round(); // not quorate: the service drops its soft state
            quietRounds = 0;
        }
    }

    private void renew(SimNode n, boolean releasing) {
        long sentAt = n.clock(now);
        n.lastRenewal = sentAt;
        NodeReport report = LocalAgent.report(n.agent, Set.copyOf(n.running), releasing);
        String h = quorateHost();
        if (h == null || !reachable(n.name, h) || !h.equals(host)) return;
        Optional<ManagerReply> reply = manager.receive(report);
        if (reply.isEmpty() || releasing) return;
        LocalAgent.Step step = LocalAgent.onRenewal(n.agent, reply.get(), sentAt, timings, Set.copyOf(n.running));
        n.agent = step.state();
        execute(n, step.actions());
    }

    private void execute(SimNode n, List<HostAction> actions) {
        for (HostAction a : actions) {
            if (!n.powered) return;
            if (a instanceof HostAction.StartGuest s) {
                CommandResult.Outcome o;
                if (!n.name.equals(home.get(s.sid()))) o = CommandResult.Outcome.WRONG_NODE;
                else if (startFails(s.sid(), n.name)) o = CommandResult.Outcome.FAILED;
                else {
                    n.running.add(s.sid());
                    o = CommandResult.Outcome.SUCCESS;
                }
                complete(n, s.sid(), s.uid(), o);
            } else if (a instanceof HostAction.StopGuest s) {
                n.running.remove(s.sid());
                complete(n, s.sid(), s.uid(), CommandResult.Outcome.SUCCESS);
            } else if (a instanceof HostAction.KillGuest k) {
                if (n.running.remove(k.sid())) note("node " + n.name + " fenced itself: killed " + k.sid());
            } else if (a instanceof HostAction.MigrateGuest m) {
                if (!n.name.equals(home.get(m.sid()))) complete(n, m.sid(), m.uid(), CommandResult.Outcome.WRONG_NODE);
                else if (!n.running.contains(m.sid())) complete(n, m.sid(), m.uid(), moveHome(m.sid(), n.name, m.target()));
                else inflight.add(new Migration(m.sid(), m.uid(), n.name, m.target(), n.agent.generation(), now + MIGRATION_MILLIS));
            } else if (a instanceof HostAction.RelocateGuest r) {
                if (!n.name.equals(home.get(r.sid()))) {
                    complete(n, r.sid(), r.uid(), CommandResult.Outcome.WRONG_NODE);
                } else {
                    n.running.remove(r.sid());
                    complete(n, r.sid(), r.uid(), moveHome(r.sid(), n.name, r.target()));
                }
            } else if (a instanceof HostAction.Leave l) {
                if (l.release()) renew(n, true);
                boolean reboot = n.rebootAfterLeave;
                note("node " + n.name + (reboot ? " reboots" : " shuts down") + (l.release() ? " (lease released)" : ""));
                n.powerOff();
                if (reboot) n.powerOnAt = now + REBOOT_MILLIS;
                return;
            }
        }
    }

    private CommandResult.Outcome moveHome(Sid sid, String from, String to) {
        if (!reachable(from, to)) return CommandResult.Outcome.FAILED;
        setHome(sid, to);
        return CommandResult.Outcome.SUCCESS;
    }

    private void setHome(Sid sid, String to) {
        home.put(sid, to);
        config.service(sid).ifPresent(c -> config = config.withService(c.withNode(to)));
    }

    private void complete(SimNode n, Sid sid, long uid, CommandResult.Outcome o) {
        if (uid == 0 || n.agent == null) return;
        n.agent = LocalAgent.completed(n.agent, n.agent.generation(), new CommandResult(sid, uid, o));
    }

    private void completeMigrations() {
        for (Iterator<Migration> it = inflight.iterator(); it.hasNext(); ) {
            Migration m = it.next();
            if (now < m.due()) continue;
            it.remove();
            SimNode src = nodes.get(m.source());
            SimNode dst = nodes.get(m.target());
            boolean srcOk = src.powered && src.agent.generation() == m.generation();
            boolean ok = srcOk && dst.powered && reachable(src.name, dst.name) && src.running.contains(m.sid())
                    && dst.agent.holdsLease() && !startFails(m.sid(), dst.name);
            if (ok) {
                src.running.remove(m.sid());
                dst.running.add(m.sid());
                setHome(m.sid(), dst.name);
            }
            if (srcOk) complete(src, m.sid(), m.uid(), ok ? CommandResult.Outcome.SUCCESS : CommandResult.Outcome.FAILED);
        }
    }

    private boolean startFails(Sid sid, String node) {
        Set<String> on = failing.get(sid);
        return on != null && (on.contains("*") || on.contains(node));
    }

    private boolean reachable(String a, String b) {
        SimNode x = nodes.get(a), y = nodes.get(b);
        if (!x.powered || !y.powered) return false;
        return a.equals(b) || (x.network && y.network);
    }

    /** The first node of the partition that holds a majority of the configured nodes, if any. */
    private String quorateHost() {
        int quorum = nodes.size() / 2 + 1;
        List<String> connected = nodes.values().stream().filter(n -> n.powered && n.network).map(n -> n.name).toList();
        if (connected.size() >= quorum) return connected.get(0);
        if (quorum == 1) return nodes.values().stream().filter(n -> n.powered).map(n -> n.name).findFirst().orElse(null);
        return null;
    }

    private void note(String line) {
        log.add(String.format("%8.1f  %s", now / 1000.0, line));
    }

    /** The manager's ports, backed by the simulation. */
    private final class Ports implements HaEnvironment {
        @Override
        public long now() {
            return host == null ? now : nodes.get(host).clock(now);
        }

        @Override
        public String localNode() {
            return host;
        }

        @Override
        public boolean quorate() {
            return host != null;
        }

        @Override
        public HaConfig config() {
            return config;
        }

        @Override
        public List<CrmCommand> takeCommands() {
            List<CrmCommand> out = List.copyOf(crmQueue);
            crmQueue.clear();
            return out;
        }

        @Override
        public Set<String> externallyFenced() {
            return Set.of();
        }

        @Override
        public Map<String, NodeCapacity> capacities() {
            return Map.of();
        }

        @Override
        public void send(ManagerReply orders) {
            SimNode n = nodes.get(orders.node());
            if (n == null || !n.powered || !reachable(host, n.name)) return;
            LocalAgent.Step step = LocalAgent.onOrders(n.agent, orders);
            n.agent = step.state();
            execute(n, step.actions());
        }

        @Override
        public void reassign(Sid sid, String fromNode, String toNode) {
            setHome(sid, toNode);
        }

        @Override
        public void publish(HaEvent event) {
            if (!(event instanceof HaEvent.NodeSeen)) note(event.describe());
        }
    }
}
