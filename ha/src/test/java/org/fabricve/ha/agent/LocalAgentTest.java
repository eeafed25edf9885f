package org.fabricve.ha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fabricve.ha.manager.CommandResult;
import org.fabricve.ha.manager.HaTimings;
import org.fabricve.ha.manager.ManagerReply;
import org.fabricve.ha.manager.NodeCommand;
import org.fabricve.ha.manager.ServiceState;
import org.fabricve.ha.model.Sid;
import org.junit.jupiter.api.Test;

/** The agent's promises about guests an earlier generation, or a process about to exit, leaves running. */
class LocalAgentTest {

    private static final Sid HA = Sid.parse("vm:101");
    private static final Sid OTHER = Sid.parse("vm:102");

    @Test
    void aBootedAgentKillsTheHaGuestsItRemembersWhileItHasNoLease() {
        AgentState booted = AgentState.boot("node3", 7, Set.of(HA));

        LocalAgent.Step step = LocalAgent.tick(booted, 1_000, Set.of(HA, OTHER));

        assertThat(step.actions()).containsExactly(new HostAction.KillGuest(HA));
        assertThat(step.state().generation()).isEqualTo(7);
    }

    @Test
    void anAgentThatRemembersNothingKillsNothing() {
        LocalAgent.Step step = LocalAgent.tick(AgentState.boot("node3", 7), 1_000, Set.of(HA, OTHER));

        assertThat(step.actions()).isEmpty();
    }

    @Test
    void fencingNowKillsTheHaGuestsEvenWithAValidLeaseAndMovesToANewGeneration() {
        AgentState leased = LocalAgent.onRenewal(AgentState.boot("node3", 7), new ManagerReply("node3", true, List.of(),
                Map.of(), Set.of(HA)), 1_000, HaTimings.DEFAULT, Set.of()).state();
        assertThat(leased.holdsLease()).isTrue();

        LocalAgent.Step step = LocalAgent.fenceNow(leased, Set.of(HA, OTHER));

        assertThat(step.actions()).containsExactly(new HostAction.KillGuest(HA));
        assertThat(step.state().holdsLease()).isFalse();
        assertThat(step.state().generation()).isEqualTo(8);
    }

    @Test
    void anOrderTheFabricDidNotAnswerRunsAgainWithTheNextOrdersAndReportsNoOutcome() {
        ManagerReply orders = new ManagerReply("node3", true,
                List.of(new NodeCommand("node3", 7, HA, 42, NodeCommand.Action.START, null)),
                Map.of(HA, ServiceState.STARTED), Set.of(HA));
        LocalAgent.Step first = LocalAgent.onRenewal(AgentState.boot("node3", 7), orders, 1_000, HaTimings.DEFAULT, Set.of());
        assertThat(first.actions()).containsExactly(new HostAction.StartGuest(HA, 42));
        assertThat(LocalAgent.onOrders(first.state(), orders).actions()).as("an order in progress runs once").isEmpty();

        AgentState after = LocalAgent.unanswered(first.state(), 7, 42);

        assertThat(after.results()).as("no outcome for the manager to count").isEmpty();
        assertThat(LocalAgent.report(after, Set.of(), false).results()).isEmpty();
        assertThat(LocalAgent.onOrders(after, orders).actions()).containsExactly(new HostAction.StartGuest(HA, 42));
    }

    @Test
    void anUnansweredOrderOfAnEarlierGenerationOrAFinishedOneChangesNothing() {
        ManagerReply orders = new ManagerReply("node3", true,
                List.of(new NodeCommand("node3", 7, HA, 42, NodeCommand.Action.START, null)),
                Map.of(HA, ServiceState.STARTED), Set.of(HA));
        AgentState running = LocalAgent.onRenewal(AgentState.boot("node3", 7), orders, 1_000, HaTimings.DEFAULT, Set.of()).state();
        AgentState finished = LocalAgent.completed(running, 7, new CommandResult(HA, 42, CommandResult.Outcome.FAILED));

        assertThat(LocalAgent.unanswered(running, 6, 42)).isEqualTo(running);
        assertThat(LocalAgent.unanswered(finished, 7, 42)).isEqualTo(finished);
        assertThat(LocalAgent.onOrders(finished, orders).actions()).as("a finished order is not run again").isEmpty();
    }
}
