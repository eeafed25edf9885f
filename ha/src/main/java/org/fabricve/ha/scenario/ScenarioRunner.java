package org.fabricve.ha.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fabricve.ha.manager.HaStatus;
import org.fabricve.ha.model.Sid;

/**
 * Plays a scenario on a {@link ClusterUnderTest}: applies each step's commands together, then lets time
 * pass in small slices until the cluster has settled (bounded), checking after every slice through the
 * hypervisors that no guest runs on two nodes. Compares the final status with the expectations.
 */
public final class ScenarioRunner {

    public static final long SLICE_MILLIS = 100;
    public static final long SETTLE_TIMEOUT_MILLIS = 300_000;

    /** The result line of one scenario file. */
    public record Result(String file, boolean pass, Map<Sid, HaStatus.ServiceView> services, List<String> violations,
                         double seconds) {

        private static final ObjectMapper JSON = new ObjectMapper();

        /** {@code {"file":..,"pass":..,"services":{SID:{"node":..,"state":..}},"violations":[..],"seconds":..}} */
        public String toJson() {
            ObjectNode o = JSON.createObjectNode();
            o.put("file", file);
            o.put("pass", pass);
            ObjectNode s = o.putObject("services");
            services.forEach((sid, v) -> s.putObject(sid.toString()).put("node", v.node()).put("state", v.state()));
            ArrayNode vs = o.putArray("violations");
            violations.forEach(vs::add);
            o.put("seconds", Math.round(seconds * 10) / 10.0);
            return o.toString();
        }
    }

    private final ClusterUnderTest cluster;
    private final Set<String> violations = new LinkedHashSet<>();
    private final Set<Sid> doubled = new HashSet<>();

    private ScenarioRunner(ClusterUnderTest cluster) {
        this.cluster = cluster;
    }

    public static Result run(String file, Scenario scenario, ClusterUnderTest cluster) {
        return new ScenarioRunner(cluster).play(file, scenario);
    }

    /** A file that could not be read or parsed: a failed result naming the problem. */
    public static Result unreadable(String file, String problem) {
        return new Result(file, false, Map.of(), List.of(problem), 0);
    }

    private Result play(String file, Scenario scenario) {
        List<List<TimelineCommand>> timeline = scenario.timeline();
        for (int i = 0; i < timeline.size(); i++) {
            for (TimelineCommand c : timeline.get(i)) {
                if (c instanceof TimelineCommand.Delay d) {
                    pass(d.seconds() * 1000);
                    continue;
                }
                try {
                    cluster.apply(c);
                } catch (IllegalArgumentException e) {
                    violations.add("step " + (i + 1) + ": " + e.getMessage());
                }
            }
            settle(i + 1);
        }
        violations.addAll(cluster.violations());
        Map<Sid, HaStatus.ServiceView> status = cluster.status();
        scenario.expect().forEach((sid, want) -> {
            HaStatus.ServiceView got = status.get(sid);
            if (got == null) {
                violations.add("expected " + sid + " " + describe(want.node(), want.state()) + ", but it is not an HA resource");
                return;
            }
            boolean nodeOk = want.node() == null || want.node().equals(got.node());
            boolean stateOk = want.state() == null || want.state().equals(got.state());
            if (!nodeOk || !stateOk) {
                violations.add("expected " + sid + " " + describe(want.node(), want.state()) + ", got " + describe(got.node(), got.state()));
            }
        });
        List<String> v = new ArrayList<>(violations);
        return new Result(file, v.isEmpty(), status, v, cluster.elapsedMillis() / 1000.0);
    }

    private static String describe(String node, String state) {
        return (state == null ? "any state" : state) + " on " + (node == null ? "any node" : node);
    }

    private void settle(int step) {
        long waited = 0;
        do {
            pass(SLICE_MILLIS);
            waited += SLICE_MILLIS;
        } while (!cluster.settled() && waited < cluster.settleTimeoutMillis());
        cluster.unsettled().ifPresent(why ->
                violations.add("step " + step + ": not settled after " + cluster.settleTimeoutMillis() / 1000 + " s: " + why));
    }

    private void pass(long millis) {
        for (long t = 0; t < millis; t += SLICE_MILLIS) {
            cluster.advance(SLICE_MILLIS);
            check();
        }
    }

    private void check() {
        Map<Sid, Set<String>> running = cluster.runningGuests();
        for (Map.Entry<Sid, Set<String>> e : running.entrySet()) {
            if (e.getValue().size() > 1 && doubled.add(e.getKey())) {
                violations.add(String.format("at %.1f s %s runs on %s at once", cluster.elapsedMillis() / 1000.0, e.getKey(),
                        String.join(" and ", e.getValue())));
            }
        }
        doubled.removeIf(sid -> running.getOrDefault(sid, Set.of()).size() <= 1);
    }
}
