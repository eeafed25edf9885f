package org.fabricve.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.fabricve.ha.manager.LrmMode;
import org.fabricve.ha.manager.ManagerState;
import org.fabricve.ha.manager.NodeState;
import org.fabricve.ha.manager.NodeStatus;
import org.fabricve.ha.manager.ServiceState;
import org.fabricve.ha.manager.ServiceStatus;
import org.fabricve.ha.model.HaConfig;
import org.fabricve.ha.model.RequestedState;
import org.fabricve.ha.model.ServiceConfig;
import org.fabricve.ha.model.Sid;
import org.fabricve.ha.runtime.HaManagerEntity;
import org.junit.jupiter.api.Test;

/** The HA status shapes from a given manager state: Proxmox's LRM states and texts, times, maintenance requests. */
class HaStatusViewsTest {

    private static final Sid VM = Sid.parse("vm:100");
    /** Sat Apr 25 19:16:34 2026 UTC. */
    private static final long EPOCH = 1777144594L;
    private static final HaStatusViews.Here HERE = new HaStatusViews.Here("n1", true, EPOCH, ZoneOffset.UTC);

    private static HaManagerEntity.Status status(Map<String, NodeStatus> nodes, TreeSet<String> maintenance) {
        HaConfig config = HaConfig.empty(List.of("n1", "n2", "n3", "n4"));
        config = new HaConfig(config.nodes(), new TreeMap<>(Map.of(VM, ServiceConfig.of(VM, "n1", RequestedState.STARTED))),
                config.rules(), config.crs(), config.shutdownPolicy());
        ServiceStatus running = ServiceStatus.initial(ServiceState.STARTED, "n1", 7).withRunning(true);
        ManagerState m = new ManagerState("n1", "i", new TreeMap<>(Map.of(VM, running)), new TreeMap<>(nodes), maintenance, 8);
        return new HaManagerEntity.Status(config, m, "n1", true, 100_000);
    }

    @Test
    void lrmRowsSayWhatProxmoxSays() {
        Map<String, NodeStatus> nodes = Map.of(
                "n1", new NodeStatus(NodeState.ONLINE, 99_000, 3, 2, -1, LrmMode.ACTIVE, false),
                "n2", new NodeStatus(NodeState.ONLINE, 100_000, 1, -1, -1, LrmMode.ACTIVE, false),
                "n3", new NodeStatus(NodeState.MAINTENANCE, 100_000, 1, -1, -1, LrmMode.ACTIVE, false),
                "n4", new NodeStatus(NodeState.FENCE, 90_000, 5, 4, 5, LrmMode.ACTIVE, false));
        HaManagerEntity.Status s = status(nodes, new TreeSet<>(List.of("n3")));
        Map<String, String> text = new TreeMap<>();
        HaStatusViews.current(s, HERE).forEach(r -> text.put((String) r.get("id"), (String) r.get("status")));
        assertThat(text).containsEntry("master", "n1 (active, Sat Apr 25 19:16:34 2026)")
                .containsEntry("lrm:n1", "n1 (active, Sat Apr 25 19:16:33 2026)")
                .containsEntry("lrm:n2", "n2 (idle, Sat Apr 25 19:16:34 2026)")
                .containsEntry("lrm:n3", "n3 (maintenance mode, Sat Apr 25 19:16:34 2026)")
                .containsEntry("lrm:n4", "n4 (lost_agent_lock, Sat Apr 25 19:16:24 2026)")
                .containsEntry("service:vm:100", "vm:100 (n1, started)");

        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> lrm = (Map<String, Map<String, Object>>) HaStatusViews.managerStatus(s, HERE).get("lrm_status");
        assertThat(lrm.get("n3")).containsEntry("mode", "maintenance").containsEntry("state", "maintenance");
        assertThat(lrm.get("n4")).containsEntry("state", "lost_agent_lock").containsEntry("timestamp", EPOCH - 10);
        assertThat(lrm.get("n1")).containsEntry("generation", 3L).containsEntry("fenced_through", 2L);
    }

    @Test
    void maintenanceRequestsAreListedPerNode() {
        HaManagerEntity.Status s = status(Map.of("n1", new NodeStatus(NodeState.MAINTENANCE, 100_000, 1, -1, -1, LrmMode.ACTIVE, false)),
                new TreeSet<>(List.of("n1")));
        @SuppressWarnings("unchecked")
        Map<String, Object> ms = (Map<String, Object>) HaStatusViews.managerStatus(s, HERE).get("manager_status");
        assertThat(ms.get("node_request")).isEqualTo(Map.of("n1", Map.of("maintenance", 1)));
        assertThat(ms.get("node_status")).isEqualTo(Map.of("n1", "maintenance"));
        assertThat(ms.get("timestamp")).isEqualTo(EPOCH);
    }
}
