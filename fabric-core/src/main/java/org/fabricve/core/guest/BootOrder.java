package org.fabricve.core.guest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.hypervisor.RunState;

/**
 * Which guests a host starts when it boots, in which order, as Proxmox's {@code pve-guests} does: those with
 * {@code onboot: 1} that are not running, not templates and not HA-managed (HA starts those), ascending by the
 * {@code order} of their {@code startup} property (guests without one last), then by VMID; after each start the
 * host waits the guest's {@code up} seconds before the next.
 */
public final class BootOrder {

    private BootOrder() {}

    /** One start of the plan: the guest, and how long to wait after it before the next one. */
    public record BootStart(int vmid, int order, long upSeconds) {}

    public static List<BootStart> plan(Collection<Guest> guestsOfTheHost, Set<Integer> haManaged) {
        List<BootStart> out = new ArrayList<>();
        for (Guest g : guestsOfTheHost) {
            GuestConfig c = g.config();
            if (!"1".equals(c.get("onboot")) || "1".equals(c.get("template")) || haManaged.contains(g.vmid())) continue;
            if (g.runState() == RunState.RUNNING || g.runState() == RunState.PAUSED) continue;
            out.add(new BootStart(g.vmid(), startupValue(c.get("startup"), "order", Integer.MAX_VALUE),
                    startupValue(c.get("startup"), "up", 0)));
        }
        out.sort(Comparator.comparingInt(BootStart::order).thenComparingInt(BootStart::vmid));
        return out;
    }

    /** A value of the stored {@code startup} property ({@code order=N,up=N,down=N}, already validated). */
    static int startupValue(String startup, String key, int absent) {
        if (startup == null) return absent;
        for (String part : startup.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equals(key)) {
                try {
                    return Integer.parseInt(part.substring(eq + 1).trim());
                } catch (NumberFormatException e) {
                    return absent;
                }
            }
        }
        return absent;
    }
}
