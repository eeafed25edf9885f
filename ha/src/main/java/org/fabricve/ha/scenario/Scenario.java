package org.fabricve.ha.scenario;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fabricve.ha.model.HaConfig;
import org.fabricve.ha.model.Sid;

/**
 * A parsed scenario: the initial HA configuration, the guests whose start fails and where ({@code "*"}:
 * everywhere), the timeline of steps, and the expected final node and state per service.
 */
public record Scenario(String description, HaConfig config, Map<Sid, Set<String>> failing,
                       List<List<TimelineCommand>> timeline, Map<Sid, Expectation> expect) {

    /** Either part may be null: not checked. */
    public record Expectation(String node, String state) {
    }

    public Scenario {
        failing = Map.copyOf(failing);
        timeline = timeline.stream().map(List::copyOf).toList();
        expect = Map.copyOf(expect);
    }
}
