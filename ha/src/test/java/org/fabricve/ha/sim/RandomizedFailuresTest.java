package org.fabricve.ha.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.fabricve.ha.manager.HaTimings;
import org.fabricve.ha.manager.ServiceState;
import org.fabricve.ha.manager.ServiceStatus;
import org.fabricve.ha.model.HaConfig;
import org.fabricve.ha.model.RequestedState;
import org.fabricve.ha.model.ServiceConfig;
import org.fabricve.ha.model.ShutdownPolicy;
import org.fabricve.ha.model.Sid;
import org.fabricve.ha.scenario.TimelineCommand;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of crashes, partitions, reboots, guest crashes and migrations on clusters whose node
 * clocks drift by up to the assumed bound, checking the two invariants after every 100 ms tick and every
 * settled step: no guest ever runs on two nodes; while a quorate partition exists, every service that
 * should run does run, on exactly one node.
 */
class RandomizedFailuresTest {

    private static final int SEQUENCES = 120;
    private static final int STEPS = 8;

    @Test
    void neverTwoRunnersAndEveryStartedServiceRuns() {
        for (int seed = 1; seed <= SEQUENCES; seed++) runSequence(seed);
    }

    private void runSequence(long seed) {
        Random rnd = new Random(seed);
        int nodeCount = 3 + rnd.nextInt(3);
        List<String> nodes = new ArrayList<>();
        for (int i = 1; i <= nodeCount; i++) nodes.add("n" + i);
        HaConfig config = HaConfig.empty(nodes);
        int guests = 2 + rnd.nextInt(6);
        for (int g = 0; g < guests; g++) {
            Sid sid = new Sid(rnd.nextBoolean() ? Sid.Type.VM : Sid.Type.CT, 100 + g);
            config = config.withService(ServiceConfig.of(sid, nodes.get(rnd.nextInt(nodeCount)), RequestedState.STARTED));
        }
        ShutdownPolicy policy = ShutdownPolicy.values()[rnd.nextInt(ShutdownPolicy.values().length)];
        config = new HaConfig(config.nodes(), config.services(), config.rules(), config.crs(), policy);
        Map<String, Double> drift = new HashMap<>();
        double bound = HaTimings.DEFAULT.maxDrift();
        for (String n : nodes) drift.put(n, (rnd.nextDouble() * 2 - 1) * bound);
        SimCluster sim = new SimCluster(config, Map.of(), HaTimings.DEFAULT, drift);
        String ctx = "seed " + seed + " (" + nodeCount + " nodes, " + guests + " guests, " + policy.wire() + ")";

        nodes.forEach(n -> sim.apply(new TimelineCommand.Power(n, true)));
        settle(sim, ctx);
        List<String> history = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            TimelineCommand c = randomCommand(rnd, nodes, config);
            history.add(c.toString());
            try {
                sim.apply(c);
            } catch (IllegalArgumentException e) {
                history.add("  (refused: " + e.getMessage() + ")");
            }
            settle(sim, ctx + " after " + history);
            checkLiveness(sim, ctx + " after " + history);
        }
        // heal everything: all nodes on and connected; then every service runs once
        nodes.forEach(n -> {
            sim.apply(new TimelineCommand.Power(n, true));
            sim.apply(new TimelineCommand.Network(n, true));
        });
        settle(sim, ctx + " after healing " + history);
        checkLiveness(sim, ctx + " after healing " + history);
        // with every node back, every service that should run runs, exactly once
        Map<Sid, Set<String>> running = sim.runningGuests();
        sim.managerState().services().forEach((sid, st) -> assertThat(running.getOrDefault(sid, Set.of()))
                .as("%s after healing %s: %s (%s) runs once; log:%n%s", ctx, history, sid, st, String.join("\n", sim.log()))
                .containsExactly(st.node()));
        assertThat(sim.managerState().services().values()).allMatch(st -> st.state() == ServiceState.STARTED && st.running());
    }

    private static TimelineCommand randomCommand(Random rnd, List<String> nodes, HaConfig config) {
        String node = nodes.get(rnd.nextInt(nodes.size()));
        List<Sid> sids = List.copyOf(config.services().keySet());
        Sid sid = sids.get(rnd.nextInt(sids.size()));
        return switch (rnd.nextInt(9)) {
            case 0 -> new TimelineCommand.Power(node, false);
            case 1 -> new TimelineCommand.Power(node, true);
            case 2 -> new TimelineCommand.Network(node, false);
            case 3 -> new TimelineCommand.Network(node, true);
            case 4 -> new TimelineCommand.Crash(sid);
            case 5 -> new TimelineCommand.Move(sid, node, rnd.nextBoolean());
            case 6 -> new TimelineCommand.Shutdown(node, true);
            case 7 -> new TimelineCommand.Delay(rnd.nextInt(8));
            default -> new TimelineCommand.Power(node, rnd.nextBoolean());
        };
    }

    private static void settle(SimCluster sim, String ctx) {
        long waited = 0;
        do {
            sim.advance(SimCluster.TICK_MILLIS);
            waited += SimCluster.TICK_MILLIS;
            for (Map.Entry<Sid, Set<String>> e : sim.runningGuests().entrySet()) {
                assertThat(e.getValue()).as("%s: %s runs on two nodes at %d ms; log:%n%s", ctx, e.getKey(), sim.elapsedMillis(),
                        String.join("\n", sim.log())).hasSizeLessThanOrEqualTo(1);
            }
        } while (!sim.settled() && waited < 300_000);
        assertThat(sim.settled()).as("%s: settles; log:%n%s", ctx, String.join("\n", sim.log())).isTrue();
    }

    private static void checkLiveness(SimCluster sim, String ctx) {
        if (sim.managerNode() == null) return; // no quorum: nothing may be started
        Map<Sid, Set<String>> running = sim.runningGuests();
        sim.managerState().services().forEach((sid, st) -> {
            if (!shouldRun(st)) return;
            assertThat(running.getOrDefault(sid, Set.of())).as("%s: %s (%s) runs; log:%n%s", ctx, sid, st,
                    String.join("\n", sim.log())).containsExactly(st.node());
        });
    }

    /** Started, and its node is up and connected (frozen or waiting for a lost node are not "should run now"). */
    private static boolean shouldRun(ServiceStatus st) {
        return st.state() == ServiceState.STARTED && st.running();
    }
}
