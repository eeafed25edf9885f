package org.fabricve.ha.runtime;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.fabricve.ha.manager.HaEvent;
import org.fabricve.ha.manager.ServiceState;
import org.fabricve.ha.model.Sid;

/**
 * The guests a recovery assigned to a new node that have not run there yet, with that node: pure, from the manager's
 * journal. A manager that takes over asks their homes to move again (idempotent), since the manager that recovered
 * them may have gone before the move was confirmed; until it is, their orders are held back, or the new node's agent
 * would find the guest registered on the fenced node and report the wrong node, an error.
 */
public record RecoveredHomes(Map<Sid, String> homes) {

    public static final RecoveredHomes NONE = new RecoveredHomes(Map.of());

    public RecoveredHomes {
        homes = Map.copyOf(homes);
    }

    public RecoveredHomes evolve(HaEvent event) {
        if (event instanceof HaEvent.ServiceRecovered r) return with(r.sid(), r.status().node());
        if (event instanceof HaEvent.ServiceChanged c) {
            String home = homes.get(c.sid());
            ServiceState st = c.status().state();
            boolean waiting = st == ServiceState.STARTED || st == ServiceState.REQUEST_STOP || st == ServiceState.STOPPED;
            // once it runs, or goes on to another node or another motion (which moves the home itself), it is settled
            boolean settled = c.status().running() || !waiting || !Objects.equals(c.status().node(), home);
            return home != null && settled ? with(c.sid(), null) : this;
        }
        if (event instanceof HaEvent.ServiceRemoved r) return homes.containsKey(r.sid()) ? with(r.sid(), null) : this;
        return this;
    }

    private RecoveredHomes with(Sid sid, String node) {
        Map<Sid, String> next = new TreeMap<>(homes);
        if (node == null) next.remove(sid);
        else next.put(sid, node);
        return new RecoveredHomes(next);
    }
}
