package org.fabricve.core.guest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.fabricve.core.hypervisor.DomainStatus;
import org.fabricve.core.hypervisor.RunState;

/**
 * Compares what the journal believes about a node's guests with what its hypervisor reports, and says
 * what differs. Guests with an operation in flight are left alone: their task owns their state.
 */
public final class Reconciliation {

    private Reconciliation() {}

    /** A guest whose domain runs in another state than the journal says. */
    public record StateDiffers(int vmid, RunState believed, RunState observed) {}

    /** The differences found in one look. */
    public record Report(List<StateDiffers> differing, List<Guest> missingDomains, Set<String> foreignDomains,
                         List<Integer> interrupted) {}

    public static Report compare(Collection<GuestState> journalGuests, List<DomainStatus> domains) {
        Map<String, DomainStatus> byName = new HashMap<>();
        for (DomainStatus d : domains) {
            byName.put(d.name(), d);
        }
        var differing = new ArrayList<StateDiffers>();
        var missing = new ArrayList<Guest>();
        var interrupted = new ArrayList<Integer>();
        var owned = new TreeSet<String>();
        for (GuestState state : journalGuests) {
            Guest guest = state.guest();
            if (guest == null) {
                continue;
            }
            String name = Guest.domainName(guest.vmid());
            owned.add(name);
            if (state.active() != null) {
                interrupted.add(guest.vmid());
                continue;
            }
            DomainStatus domain = byName.get(name);
            if (domain == null) {
                missing.add(guest);
            } else if (domain.state() != guest.runState()) {
                differing.add(new StateDiffers(guest.vmid(), guest.runState(), domain.state()));
            }
        }
        var foreign = new TreeSet<String>();
        for (DomainStatus d : domains) {
            if (!owned.contains(d.name())) {
                foreign.add(d.name());
            }
        }
        return new Report(differing, missing, foreign, interrupted);
    }
}
