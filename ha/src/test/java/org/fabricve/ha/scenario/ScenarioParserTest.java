package org.fabricve.ha.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fabricve.ha.model.CrsMode;
import org.fabricve.ha.model.RequestedState;
import org.fabricve.ha.model.ShutdownPolicy;
import org.fabricve.ha.model.Sid;
import org.junit.jupiter.api.Test;

class ScenarioParserTest {

    private static String with(String extra) {
        return "{\"nodes\":[\"node1\",\"node2\",\"node3\"],\"services\":{\"vm:101\":{\"node\":\"node1\",\"state\":\"started\"}},"
                + "\"timeline\":[[\"power node1 on\"]]" + extra + "}";
    }

    @Test
    void readsEveryPart() throws Exception {
        Scenario s = ScenarioParser.parse(with(",\"crs\":\"static\",\"shutdown_policy\":\"migrate\","
                + "\"rules\":[{\"type\":\"node-affinity\",\"resources\":[\"vm:101\"],\"nodes\":{\"node1\":2},\"strict\":true}],"
                + "\"failing\":{\"vm:104\":{\"start_fails_on\":[\"*\"]}},\"expect\":{\"vm:101\":{\"node\":\"node1\"}}"));
        assertThat(s.config().crs()).isEqualTo(CrsMode.STATIC);
        assertThat(s.config().shutdownPolicy()).isEqualTo(ShutdownPolicy.MIGRATE);
        assertThat(s.config().services().get(Sid.parse("vm:101")).state()).isEqualTo(RequestedState.STARTED);
        assertThat(s.config().services().get(Sid.parse("vm:101")).maxRestart()).isEqualTo(1);
        assertThat(s.failing().get(Sid.parse("vm:104"))).containsExactly("*");
        assertThat(s.timeline().get(0)).containsExactly(new TimelineCommand.Power("node1", true));
        assertThat(s.expect().get(Sid.parse("vm:101")).state()).isNull();
    }

    @Test
    void everyCommandParses() throws Exception {
        String[] cmds = {"power node1 off", "network node2 on", "shutdown node1", "reboot node3", "service vm:101 started",
            "service vm:101 stopped", "service vm:101 disabled", "service vm:101 ignored", "service vm:101 migrate node2",
            "service vm:101 relocate node2", "service ct:105 add node2", "service ct:105 add node2 stopped",
            "service vm:101 delete", "service vm:101 crash", "crm node1 enable-node-maintenance",
            "crm node1 disable-node-maintenance", "delay 30"};
        for (String c : cmds) assertThat(TimelineCommand.parse(c, java.util.List.of("node1", "node2", "node3"))).as(c).isNotNull();
    }

    @Test
    void errorsNameTheirPlace() {
        assertError("{", "not valid JSON");
        assertError("[]", "must be a JSON object");
        assertError("{\"timeline\":[]}", "nodes: missing");
        assertError(with(",\"colour\":1"), "colour: unknown key");
        assertError(with("").replace("\"state\":\"started\"", "\"state\":\"running\""), "services.vm:101.state");
        assertError(with("").replace("\"node\":\"node1\",", "\"node\":\"node9\","), "services.vm:101.node: unknown node 'node9'");
        assertError(with("").replace("vm:101", "xx:101"), "services.xx:101");
        assertError(with("").replace("power node1 on", "power node1 sideways"), "timeline[0][0]: 'power node1 sideways': expected on or off");
        assertError(with("").replace("power node1 on", "teleport node1"), "unknown command 'teleport'");
        assertError(with(",\"crs\":\"dynamic\""), "crs 'dynamic'");
        assertError(with(",\"shutdown_policy\":\"panic\""), "shutdown_policy 'panic'");
        assertError(with(",\"failing\":{\"vm:101\":{\"start_fails_on\":[\"node7\"]}}"), "failing.vm:101.start_fails_on[0]: unknown node");
        assertError(with(",\"rules\":[{\"type\":\"resource-affinity\",\"resources\":[\"vm:101\",\"vm:102\"],\"affinity\":\"positive\"},"
                + "{\"type\":\"resource-affinity\",\"resources\":[\"vm:101\",\"vm:102\"],\"affinity\":\"negative\"}]"), "together by a positive rule");
        assertError(with(",\"rules\":[{\"type\":\"node-affinity\",\"resources\":[\"vm:101\"],\"nodes\":{\"node1\":\"high\"}}]"),
                "rules[0].nodes.node1: expected a whole number");
        assertError(with(",\"expect\":{\"vm:101\":{}}"), "expect.vm:101: expected node and/or state");
    }

    private static void assertError(String json, String fragment) {
        assertThatThrownBy(() -> ScenarioParser.parse(json)).isInstanceOf(ScenarioParser.ScenarioException.class)
                .hasMessageContaining(fragment);
    }
}
