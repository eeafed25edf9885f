package org.fabricve.ha.manager;

import java.util.Map;
import java.util.TreeMap;
import org.fabricve.ha.model.HaConfig;
import org.fabricve.ha.model.RequestedState;
import org.fabricve.ha.model.ServiceConfig;
import org.fabricve.ha.model.Sid;

/** What {@code /cluster/ha/status/current} reports per service: Proxmox's verbose state, derived purely. */
public final class HaStatus {

    public record ServiceView(Sid sid, String node, String state, String crmState, String requestState) {
    }

    private HaStatus() {
    }

    public static Map<Sid, ServiceView> current(HaConfig config, ManagerState state) {
        Map<Sid, ServiceView> out = new TreeMap<>();
        for (ServiceConfig c : config.services().values()) {
            ServiceStatus s = state.service(c.sid());
            String req = c.state().wire();
            if (c.state() == RequestedState.IGNORED) {
                out.put(c.sid(), new ServiceView(c.sid(), c.node(), "ignored", null, req));
            } else if (s == null) {
                out.put(c.sid(), new ServiceView(c.sid(), c.node(), "queued", null, req));
            } else {
                out.put(c.sid(), new ServiceView(c.sid(), s.node(), verbose(c.state(), s), s.state().wire(), req));
            }
        }
        return out;
    }

    static String verbose(RequestedState req, ServiceStatus s) {
        return switch (s.state()) {
            case STOPPED -> req == RequestedState.STARTED ? "starting" : req == RequestedState.DISABLED ? "disabled" : "stopped";
            case STARTED -> s.running() ? "started" : "starting";
            default -> s.state().wire();
        };
    }
}
