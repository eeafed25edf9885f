package org.fabricve.ha.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fabricve.ha.model.HaConfig;
import org.fabricve.ha.model.RequestedState;
import org.fabricve.ha.model.Rule;
import org.fabricve.ha.model.ServiceConfig;
import org.fabricve.ha.model.Sid;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pure manager, driven by hand: reports in, rounds, events out. */
class HaManagerTest {

    private static final HaTimings T = HaTimings.DEFAULT;
    private static final Sid A = Sid.parse("vm:101"), B = Sid.parse("vm:102");

    private HaConfig config;
    private ManagerState state;
    private long now;
    private final Map<String, NodeReport> reports = new HashMap<>();
    private final Map<String, Long> generation = new HashMap<>(Map.of("node1", 1L, "node2", 1L, "node3", 1L));
    private final List<CrmCommand> commands = new ArrayList<>();
    private List<HaEvent> lastEvents = List.of();

    @BeforeEach
    void threeNodesTwoGuests() {
        config = HaConfig.empty(List.of("node1", "node2", "node3"))
                .withService(ServiceConfig.of(A, "node1", RequestedState.STARTED))
                .withService(ServiceConfig.of(B, "node2", RequestedState.STARTED));
        state = ManagerState.empty();
        round(); // activation
        for (int i = 0; i < 3; i++) {
            everyoneReports(Set.of("node1", "node2", "node3"));
            round();
        }
    }

    private void round() {
        List<HaEvent> events = HaManager.round(state, new RoundInput(now, "node1", "node1/test/1", config, reports, List.copyOf(commands), Set.of(), Map.of(), T));
        commands.clear();
        state = HaManager.evolveAll(state, events);
        lastEvents = events;
    }

    /** Each listed node reports: it runs what the manager told it to start, and succeeds at every order. */
    private void everyoneReports(Set<String> nodes) {
        for (String n : nodes) report(n, generation.get(n), false, CommandResult.Outcome.SUCCESS);
    }

    private HaManager.ReportDecision report(String node, long gen, boolean released, CommandResult.Outcome outcome) {
        Map<Long, CommandResult> results = new HashMap<>();
        Set<Sid> running = new java.util.HashSet<>();
        for (NodeCommand c : HaManager.commands(state, node)) {
            if (c.generation() != gen) continue;
            results.put(c.uid(), new CommandResult(c.sid(), c.uid(), outcome));
            if (c.action() == NodeCommand.Action.START && outcome == CommandResult.Outcome.SUCCESS) running.add(c.sid());
        }
        NodeReport r = new NodeReport(node, gen, LrmMode.ACTIVE, running, results, released);
        HaManager.ReportDecision d = HaManager.onReport(state, r, now);
        state = HaManager.evolveAll(state, d.events());
        if (d.accepted()) reports.put(node, r);
        return d;
    }

    private void advance(long millis, Set<String> reporting) {
        long end = now + millis;
        while (now < end) {
            now += 1000;
            everyoneReports(reporting);
            round();
        }
    }

    @Test
    void servicesStartOnTheirNodes() {
        assertThat(state.service(A)).extracting(ServiceStatus::state, ServiceStatus::node, ServiceStatus::running)
                .containsExactly(ServiceState.STARTED, "node1", true);
        assertThat(state.nodeState("node3")).isEqualTo(NodeState.ONLINE);
    }

    @Test
    void theFenceBoundCoversLeaseDriftAndStopTime() {
        assertThat(T.fenceBoundMillis()).isEqualTo((long) Math.ceil((5000 / 0.99 + 1000) * 1.01));
        assertThat(new HaTimings(1000, 1000, 5000, 1000, 0, 2500).fenceBoundMillis()).isEqualTo(6000);
    }

    @Test
    void aLostNodeIsRecoveredOnlyAfterTheBoundSinceItWasLastSeen() {
        long lastSeen = state.node("node2").lastSeen();
        Set<String> survivors = Set.of("node1", "node3");
        while (now - lastSeen < T.fenceBoundMillis() - 1000) {
            advance(1000, survivors);
            assertThat(state.service(B).state()).isIn(ServiceState.STARTED, ServiceState.FENCE);
            assertThat(state.service(B).node()).isEqualTo("node2");
        }
        assertThat(state.service(B).state()).isEqualTo(ServiceState.FENCE);
        advance(1000, survivors);
        assertThat(now - lastSeen).isGreaterThanOrEqualTo(T.fenceBoundMillis());
        assertThat(state.service(B).node()).isEqualTo("node3"); // node1 already has vm:101
        assertThat(lastEvents).anyMatch(e -> e instanceof HaEvent.NodeFenced f && f.proof() == FenceProof.LEASE_EXPIRED);
        // the lost generation may never renew again: it must fence itself first
        HaManager.ReportDecision late = report("node2", 1, false, CommandResult.Outcome.SUCCESS);
        assertThat(late.accepted()).isFalse();
        assertThat(report("node2", 2, false, CommandResult.Outcome.SUCCESS).accepted()).isTrue();
    }

    @Test
    void aNodeBackBeforeItWasFencedKeepsItsServicesAndOrders() {
        long uid = state.service(B).uid();
        advance(3000, Set.of("node1", "node3"));
        assertThat(state.service(B).state()).isEqualTo(ServiceState.FENCE);
        advance(1000, Set.of("node1", "node2", "node3"));
        assertThat(state.service(B).state()).isEqualTo(ServiceState.STARTED);
        assertThat(state.service(B).uid()).isEqualTo(uid);
        assertThat(state.nodeState("node2")).isEqualTo(NodeState.ONLINE);
    }

    @Test
    void aNewGenerationProvesTheOldOneFencedAtOnce() {
        advance(3000, Set.of("node1", "node3"));
        generation.put("node2", 2L);
        HaManager.ReportDecision d = report("node2", 2, false, CommandResult.Outcome.SUCCESS);
        assertThat(d.events()).anyMatch(e -> e instanceof HaEvent.NodeFenced f && f.proof() == FenceProof.NEW_GENERATION);
        round();
        assertThat(state.service(B).state()).isEqualTo(ServiceState.STARTED); // recovered, possibly to node2 itself
    }

    @Test
    void aReleasedLeaseFailsOverAtOnce() {
        report("node2", 1, true, CommandResult.Outcome.SUCCESS);
        round();
        assertThat(state.service(B).node()).isEqualTo("node3");
        assertThat(lastEvents).anyMatch(e -> e instanceof HaEvent.ServiceRecovered);
    }

    @Test
    void startFailuresRestartThenRelocateThenError() {
        config = config.withService(ServiceConfig.of(Sid.parse("vm:105"), "node3", RequestedState.STARTED));
        round();
        Sid c = Sid.parse("vm:105");
        // node3 fails every start: one restart in place (max_restart 1), then relocation
        for (int i = 0; i < 2; i++) {
            report("node3", 1, false, CommandResult.Outcome.FAILED);
            round();
        }
        assertThat(state.service(c).state()).isEqualTo(ServiceState.RELOCATE);
        assertThat(state.service(c).failedNodes()).containsExactly("node3");
        report("node3", 1, false, CommandResult.Outcome.SUCCESS); // the relocation itself works
        round();
        String second = state.service(c).node();
        assertThat(second).isNotEqualTo("node3");
        for (int i = 0; i < 2; i++) {
            report(second, 1, false, CommandResult.Outcome.FAILED);
            round();
        }
        assertThat(state.service(c).state()).isEqualTo(ServiceState.ERROR);
        config = config.withService(config.services().get(c).withState(RequestedState.DISABLED));
        round();
        assertThat(state.service(c).state()).isEqualTo(ServiceState.STOPPED);
    }

    @Test
    void aMigrationOntoANegativePartnerIsRefused() {
        config = config.withRules(List.of(new Rule.ResourceAffinity("apart", List.of(A, B), Rule.Affinity.NEGATIVE)));
        commands.add(new CrmCommand.Migrate(A, "node2"));
        round();
        assertThat(lastEvents).anyMatch(e -> e instanceof HaEvent.CommandHandled h && !h.accepted() && h.message().contains("negative affinity"));
        commands.add(new CrmCommand.Migrate(A, "node3"));
        round();
        assertThat(state.service(A)).extracting(ServiceStatus::state, ServiceStatus::target).containsExactly(ServiceState.MIGRATE, "node3");
    }

    @Test
    void maintenanceDrainsAndReturns() {
        commands.add(new CrmCommand.NodeMaintenance("node1", true));
        round();
        assertThat(state.nodeState("node1")).isEqualTo(NodeState.MAINTENANCE);
        assertThat(state.service(A)).extracting(ServiceStatus::state, ServiceStatus::maintenanceNode).containsExactly(ServiceState.MIGRATE, "node1");
        advance(3000, Set.of("node1", "node2", "node3"));
        assertThat(state.service(A).node()).isEqualTo("node3");
        commands.add(new CrmCommand.NodeMaintenance("node1", false));
        advance(4000, Set.of("node1", "node2", "node3"));
        assertThat(state.service(A)).extracting(ServiceStatus::node, ServiceStatus::state).containsExactly("node1", ServiceState.STARTED);
    }

    @Test
    void theRoundsEventsFoldToTheRoundsState() {
        ManagerState before = state;
        now += 1000;
        report("node1", 1, true, CommandResult.Outcome.SUCCESS); // something to do
        ManagerState start = state;
        List<HaEvent> events = HaManager.round(start, new RoundInput(now, "node1", "node1/test/1", config, reports, List.of(), Set.of(), Map.of(), T));
        assertThat(events).isNotEmpty();
        ManagerState folded = HaManager.evolveAll(start, events);
        assertThat(HaManager.evolveAll(start, events)).isEqualTo(folded);
        assertThat(folded).isNotEqualTo(before);
        assertThat(events).allMatch(e -> !e.describe().isBlank());
    }

    @Test
    void statusReportsProxmoxVerboseStates() {
        config = config.withService(ServiceConfig.of(Sid.parse("vm:106"), "node1", RequestedState.IGNORED))
                .withService(ServiceConfig.of(Sid.parse("vm:107"), "node1", RequestedState.STARTED));
        var views = HaStatus.current(config, state);
        assertThat(views.get(A).state()).isEqualTo("started");
        assertThat(views.get(Sid.parse("vm:106")).state()).isEqualTo("ignored");
        assertThat(views.get(Sid.parse("vm:107")).state()).isEqualTo("queued");
        round();
        assertThat(HaStatus.current(config, state).get(Sid.parse("vm:107")).state()).isEqualTo("starting");
    }
}
