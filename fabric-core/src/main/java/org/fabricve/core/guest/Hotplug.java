package org.fabricve.core.guest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;

/**
 * What a config change does to a running guest, as Proxmox decides it: a key its running domain does not
 * depend on takes effect at once; a change the {@code hotplug} option allows is made live (a disk or NIC
 * added or removed, the vCPU count); anything else is pending until the next start.
 *
 * <p>Hotplug categories are Proxmox's: {@code hotplug=network,disk,usb} by default, {@code 0} none, {@code 1}
 * the default. Fabric makes live: {@code disk} (scsi and virtio disks added or removed; not CD-ROMs, IDE or
 * SATA, nor option changes of an existing disk), {@code network} (NICs added or removed) and {@code cpu}
 * ({@code vcpus} within sockets x cores, unchanged sockets and cores) and {@code memory} (an increase, with
 * {@code numa=1} before and after: a DIMM; a decrease is pending, unplugging memory needs the guest's help).
 * Containers: no hotplug yet, everything but the fast keys is pending.
 */
public final class Hotplug {

    /** Keys Proxmox applies to a running guest's config directly: the domain does not depend on them. */
    static final Set<String> FAST = Set.of("name", "description", "onboot", "startup", "protection", "tags",
            "hotplug", "lock", "hookscript", "shares", "vmstatestorage", "hostname");

    static final Set<String> DEFAULT_CATEGORIES = Set.of("network", "disk", "usb");

    private static final Pattern HOT_DISK = Pattern.compile("(scsi|virtio)[0-9]+");
    private static final Pattern NIC = Pattern.compile("net[0-9]+");

    public enum Action { ATTACH, DETACH, SET_VCPUS, ADD_MEMORY }

    /** One live change: the config key and what to do with its device. */
    public record Change(String key, Action action) {}

    /**
     * @param fast    keys that take effect at once
     * @param hot     changes to make live; a failed one stays pending
     * @param pending keys that wait for the next start
     */
    public record Plan(List<String> fast, List<Change> hot, List<String> pending) {
        public Plan {
            fast = List.copyOf(fast);
            hot = List.copyOf(hot);
            pending = List.copyOf(pending);
        }
    }

    /** A row of Proxmox's {@code /pending}: the running value, the pending one, or a pending delete. */
    public record PendingRow(String key, String value, String pending, boolean delete) {}

    private Hotplug() {}

    /** Hotplug categories named by a {@code hotplug} value (null: the default). */
    public static Set<String> categories(String hotplug) {
        if (hotplug == null || hotplug.equals("1")) {
            return DEFAULT_CATEGORIES;
        }
        if (hotplug.equals("0") || hotplug.isBlank()) {
            return Set.of();
        }
        return Set.of(hotplug.split(","));
    }

    /** Plans the change of a running guest from {@code running} to {@code target}. */
    public static Plan plan(GuestType type, GuestConfig running, GuestConfig target) {
        // the running domain was made with the hotplug setting it started with; Proxmox reads the new one
        Set<String> allowed = type == GuestType.QEMU ? categories(target.get("hotplug")) : Set.of();
        List<String> fast = new ArrayList<>();
        List<Change> hot = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        boolean topologySame = same(running, target, "sockets") && same(running, target, "cores");
        for (String key : changedKeys(running, target)) {
            String before = running.get(key);
            String after = target.get(key);
            if (FAST.contains(key)) {
                fast.add(key);
            } else if (HOT_DISK.matcher(key).matches() && allowed.contains("disk") && (before == null || after == null)
                    && !cdrom(before) && !cdrom(after)) {
                hot.add(new Change(key, after == null ? Action.DETACH : Action.ATTACH));
            } else if (NIC.matcher(key).matches() && allowed.contains("network") && (before == null || after == null)) {
                hot.add(new Change(key, after == null ? Action.DETACH : Action.ATTACH));
            } else if (key.equals("vcpus") && allowed.contains("cpu") && topologySame) {
                hot.add(new Change(key, Action.SET_VCPUS));
            } else if (key.equals("memory") && allowed.contains("memory") && numa(running) && numa(target)
                    && target.memoryMiB() > running.memoryMiB()) {
                hot.add(new Change(key, Action.ADD_MEMORY));
            } else {
                pending.add(key);
            }
        }
        return new Plan(fast, hot, pending);
    }

    /** The running config after the fast keys and the live changes that succeeded ({@code done}) took effect. */
    public static GuestConfig applied(GuestConfig running, GuestConfig target, Plan plan, Collection<String> done) {
        GuestConfig out = running;
        List<String> keys = new ArrayList<>(plan.fast());
        keys.addAll(done);
        for (String key : keys) {
            String v = target.get(key);
            out = v == null ? out.without(key) : out.with(key, v);
        }
        return out;
    }

    /** Proxmox's {@code /pending} rows: every key of either config, with what differs marked pending. */
    public static List<PendingRow> pending(GuestConfig running, GuestConfig config) {
        Set<String> keys = new TreeSet<>(running.values().keySet());
        keys.addAll(config.values().keySet());
        List<PendingRow> rows = new ArrayList<>();
        for (String key : keys) {
            String now = running.get(key);
            String next = config.get(key);
            if (next == null) {
                rows.add(new PendingRow(key, now, null, true));
            } else if (now == null || !now.equals(next)) {
                rows.add(new PendingRow(key, now, next, false));
            } else {
                rows.add(new PendingRow(key, now, null, false));
            }
        }
        return rows;
    }

    /** Keys whose value differs between the two configs, sorted. */
    static List<String> changedKeys(GuestConfig a, GuestConfig b) {
        Map<String, String> all = new LinkedHashMap<>(a.values());
        all.putAll(b.values());
        List<String> out = new ArrayList<>();
        for (String key : new TreeSet<>(all.keySet())) {
            if (!same(a, b, key)) {
                out.add(key);
            }
        }
        return out;
    }

    private static boolean same(GuestConfig a, GuestConfig b, String key) {
        return java.util.Objects.equals(a.get(key), b.get(key));
    }

    /** Memory hotplug needs NUMA (Proxmox: "memory hotplug requires NUMA"). */
    private static boolean numa(GuestConfig c) {
        return "1".equals(c.get("numa"));
    }

    private static boolean cdrom(String driveValue) {
        return driveValue != null && driveValue.contains("media=cdrom");
    }
}
