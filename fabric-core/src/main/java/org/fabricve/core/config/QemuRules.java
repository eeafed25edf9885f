package org.fabricve.core.config;

import static org.fabricve.core.config.CommonRules.bool;
import static org.fabricve.core.config.CommonRules.integer;
import static org.fabricve.core.config.CommonRules.oneOf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The QEMU config keys (Proxmox qemu-server names and formats) and the checks across keys. */
final class QemuRules {

    /** Largest slot index per bus that any machine allows; IDE is x86-only, see {@link #crossCheck}. */
    static final Map<String, Integer> MAX_INDEX = Map.of(
            "ide", 3, "sata", 5, "scsi", 30, "virtio", 15, "net", 31, "hostpci", 15, "usb", 13, "serial", 3);
    /** Without a qemu-xhci controller (machine < 7.1 or an old guest OS) only usb0..usb4 exist. */
    static final int MAX_USB_LEGACY = 4;

    static final List<String> OSTYPES = List.of(
            "other", "wxp", "w2k", "w2k3", "w2k8", "wvista", "win7", "win8", "win10", "win11", "l24", "l26", "solaris");

    private static final Pattern CPU_TYPE = Pattern.compile("(custom-)?[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}");
    private static final Pattern CPU_FLAGS = Pattern.compile("[+-][A-Za-z0-9_.-]{1,40}(;[+-][A-Za-z0-9_.-]{1,40})*");
    private static final Pattern BOOT_DEVICE = Pattern.compile("(ide|sata|scsi|virtio|net|hostpci|usb)(0|[1-9][0-9]?)");
    private static final Pattern BOOT_DISK = Pattern.compile("(ide|sata|scsi|virtio)(0|[1-9][0-9]?)");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern PCI_ID = Pattern.compile("([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}(\\.[0-7])?");
    private static final Pattern USB_VENDOR_PRODUCT = Pattern.compile("(0x)?[0-9a-fA-F]{4}:(0x)?[0-9a-fA-F]{4}");
    private static final Pattern USB_BUS_PORT = Pattern.compile("[0-9]{1,3}-[0-9]{1,3}(\\.[0-9]{1,3}){0,6}");
    private static final Pattern SERIAL_DEVICE = Pattern.compile("/dev/[A-Za-z0-9_-]{1,64}(/[A-Za-z0-9_-]{1,64}){0,3}");
    private static final Pattern MDEV = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Set<String> HOTPLUG = Set.of("network", "disk", "cpu", "memory", "usb", "cloudinit");

    private QemuRules() {}

    static Schema schema(NodeLimits limits) {
        Schema s = new Schema()
                .key("name", (k, v, c) -> Values.dnsName(v, 128))
                .key("memory", QemuRules::memory)
                .key("balloon", integer(0, limits.memoryMiB()))
                .key("cores", integer(1, limits.cpus()))
                .key("sockets", integer(1, 4))
                .key("vcpus", integer(1, limits.cpus()))
                .key("cpu", QemuRules::cpu)
                .key("cpulimit", (k, v, c) -> Values.number(v, 0, 128))
                .key("cpuunits", integer(1, 262_144))
                .key("ostype", (k, v, c) -> Values.oneOf(v, OSTYPES))
                .key("machine", QemuRules::machine)
                .key("arch", oneOf("x86_64", "aarch64"))
                .key("bios", oneOf("seabios", "ovmf"))
                .key("boot", QemuRules::boot)
                .key("scsihw", oneOf("lsi", "lsi53c810", "virtio-scsi-pci", "virtio-scsi-single", "megasas", "pvscsi"))
                .key("agent", QemuRules::agent)
                .key("startup", CommonRules::startup)
                .key("tags", CommonRules::tags)
                .key("description", CommonRules::description)
                .key("hotplug", QemuRules::hotplug)
                .key("vga", QemuRules::vga)
                .key("efidisk0", DriveValues::efidisk)
                .key("tpmstate0", DriveValues::tpmstate)
                .key("bootdisk", (k, v, c) -> Values.matching(v, BOOT_DISK))
                .key("vmgenid", (k, v, c) -> v.matches("[01]") ? v : Values.matching(v, UUID))
                .key("shares", integer(0, 50_000))
                .key("hugepages", oneOf("any", "2", "1024"));
        CloudInitRules.addTo(s);
        for (String k : List.of("numa", "onboot", "protection", "kvm", "acpi", "tablet", "localtime", "template")) {
            s.key(k, bool());
        }
        for (String bus : List.of("ide", "sata", "scsi", "virtio")) {
            s.indexed(bus, MAX_INDEX.get(bus), DriveValues::qemuDrive);
        }
        return s.indexed("net", MAX_INDEX.get("net"), NetValues::qemu)
                .indexed("hostpci", MAX_INDEX.get("hostpci"), QemuRules::hostpci)
                .indexed("usb", MAX_INDEX.get("usb"), QemuRules::usb)
                .indexed("serial", MAX_INDEX.get("serial"), QemuRules::serial);
    }

    /** Plain MiB, or the newer "current=MiB" spelling; stored plain. */
    private static String memory(String key, String value, Rule.Context ctx) {
        String current = Values.properties(value, "current", Set.of()).get("current");
        if (current == null) {
            throw new BadValue("invalid format - current: property is missing and it is not optional");
        }
        return Long.toString(Values.integer(current, 16, ctx.limits().memoryMiB()));
    }

    private static String cpu(String key, String value, Rule.Context ctx) {
        LinkedHashMap<String, String> props = Values.properties(value, "cputype",
                Set.of("flags", "hidden", "hv-vendor-id", "phys-bits", "reported-model"));
        String type = props.remove("cputype");
        if (type == null) {
            throw new BadValue("invalid format - cputype: property is missing and it is not optional");
        }
        option("cputype", () -> Values.matching(type, CPU_TYPE));
        Map<String, String> out = new LinkedHashMap<>();
        props.forEach((k, v) -> out.put(k, option(k, () -> {
            switch (k) {
                case "flags": return Values.matching(v, CPU_FLAGS);
                case "hidden": return Values.bool(v);
                case "hv-vendor-id": return Values.matching(v, Pattern.compile("[A-Za-z0-9]{1,12}"));
                case "phys-bits": return v.equals("host") ? v : Long.toString(Values.integer(v, 8, 64));
                default: return Values.matching(v, CPU_TYPE);
            }
        })));
        return Values.join(type, out);
    }

    /** "[type=]pc-q35-8.0[+pveN][,viommu=intel|virtio]": the type part decides buses and USB ports. */
    private static String machine(String key, String value, Rule.Context ctx) {
        LinkedHashMap<String, String> props = Values.properties(value, "type", Set.of("viommu", "enable-s3", "enable-s4"));
        String type = props.remove("type");
        if (type == null) {
            throw new BadValue("invalid format - type: property is missing and it is not optional");
        }
        MachineType.parse(type);
        Map<String, String> out = new LinkedHashMap<>();
        props.forEach((k, v) -> out.put(k, option(k,
                () -> k.equals("viommu") ? Values.oneOf(v, List.of("intel", "virtio")) : Values.bool(v))));
        return Values.join(type, out);
    }

    /** "order=scsi0;ide2;net0" or the legacy letters "cdn"; existence of the devices is a cross-check. */
    private static String boot(String key, String value, Rule.Context ctx) {
        if (value.matches("[acdn]{1,4}")) {
            return value;
        }
        LinkedHashMap<String, String> props = Values.properties(value, null, Set.of("order"));
        String order = props.get("order");
        if (order == null) {
            throw new BadValue("invalid format - order: property is missing and it is not optional");
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String device : Values.split(order, ';')) {
            if (!BOOT_DEVICE.matcher(device).matches()) {
                throw new BadValue("invalid format - order: invalid boot device '" + Values.show(device) + "'");
            }
            if (!seen.add(device)) {
                throw new BadValue("invalid format - order: duplicate boot device '" + device + "'");
            }
        }
        return "order=" + String.join(";", seen);
    }

    static List<String> bootDevices(String value) {
        if (value == null || !value.startsWith("order=")) {
            return List.of();
        }
        return List.of(value.substring("order=".length()).split(";"));
    }

    private static String agent(String key, String value, Rule.Context ctx) {
        LinkedHashMap<String, String> props = Values.properties(value, "enabled",
                Set.of("fstrim_cloned_disks", "type", "freeze-fs-on-backup"));
        String enabled = props.remove("enabled");
        Map<String, String> out = new LinkedHashMap<>();
        props.forEach((k, v) -> out.put(k, option(k,
                () -> k.equals("type") ? Values.oneOf(v, List.of("virtio", "isa")) : Values.bool(v))));
        return Values.join(enabled == null ? null : option("enabled", () -> Values.bool(enabled)), out);
    }

    private static String hotplug(String key, String value, Rule.Context ctx) {
        if (value.matches("[01]")) {
            return value;
        }
        Set<String> items = new LinkedHashSet<>();
        for (String item : Values.split(value, ',')) {
            if (!HOTPLUG.contains(item)) {
                throw new BadValue("invalid format - invalid hotplug feature '" + Values.show(item) + "'");
            }
            items.add(item);
        }
        return String.join(",", items);
    }

    private static String vga(String key, String value, Rule.Context ctx) {
        LinkedHashMap<String, String> props = Values.properties(value, "type", Set.of("memory", "clipboard"));
        String type = props.remove("type");
        Map<String, String> out = new LinkedHashMap<>();
        props.forEach((k, v) -> out.put(k, option(k, () -> k.equals("memory")
                ? Long.toString(Values.integer(v, 4, 512)) : Values.oneOf(v, List.of("vnc")))));
        if (type != null) {
            option("type", () -> Values.oneOf(type, List.of("std", "cirrus", "vmware", "qxl", "qxl2", "qxl3", "qxl4",
                    "serial0", "serial1", "serial2", "serial3", "virtio", "virtio-gl", "none")));
        }
        return Values.join(type, out);
    }

    /** "[host=]0000:01:00.0" or "01:00", ';'-separated for multi-function; checked for form only. */
    private static String hostpci(String key, String value, Rule.Context ctx) {
        LinkedHashMap<String, String> props = Values.properties(value, "host", Set.of("pcie", "rombar", "x-vga", "mdev"));
        String host = props.remove("host");
        if (host == null) {
            throw new BadValue("invalid format - host: property is missing and it is not optional");
        }
        for (String id : Values.split(host, ';')) {
            option("host", () -> Values.matching(id, PCI_ID));
        }
        Map<String, String> out = new LinkedHashMap<>();
        props.forEach((k, v) -> out.put(k, option(k, () -> k.equals("mdev") ? Values.matching(v, MDEV) : Values.bool(v))));
        return Values.join(host, out);
    }

    /** "[host=]VENDOR:PRODUCT|BUS-PORT|spice[,usb3=0|1]"; checked for form only. */
    private static String usb(String key, String value, Rule.Context ctx) {
        LinkedHashMap<String, String> props = Values.properties(value, "host", Set.of("usb3"));
        String host = props.remove("host");
        if (host == null) {
            throw new BadValue("invalid format - host: property is missing and it is not optional");
        }
        if (!host.equals("spice") && !USB_VENDOR_PRODUCT.matcher(host).matches() && !USB_BUS_PORT.matcher(host).matches()) {
            throw new BadValue("invalid format - host: value does not look like a USB device (VENDOR:PRODUCT, BUS-PORT or spice)");
        }
        Map<String, String> out = new LinkedHashMap<>();
        props.forEach((k, v) -> out.put(k, option(k, () -> Values.bool(v))));
        return Values.join("host=" + host, out);
    }

    private static String serial(String key, String value, Rule.Context ctx) {
        if (value.equals("socket")) {
            return value;
        }
        if (!SERIAL_DEVICE.matcher(value).matches()) {
            throw new BadValue("invalid format - value must be 'socket' or a /dev/ device path");
        }
        return value;
    }

    private static String option(String name, java.util.function.Supplier<String> check) {
        try {
            return check.get();
        } catch (BadValue b) {
            throw Values.inOption(name, b);
        }
    }

    // ---- checks across keys ----

    /** Whether the guest is an ARM (virt) guest: arch says so, or else the machine type does. */
    static boolean aarch64(GuestConfig cfg) {
        String arch = cfg.get("arch");
        if (arch != null) {
            return arch.equals("aarch64");
        }
        MachineType m = MachineType.ofConfig(cfg.get("machine"), false);
        return m != null && !m.x86();
    }

    /** USB ports beyond usb4 need qemu-xhci: machine >= 7.1 and a guest OS that drives it (Linux 2.6+, Windows 8+). */
    static int maxUsbIndex(GuestConfig cfg, MachineType machine) {
        String os = cfg.get("ostype");
        boolean modernOs = "l26".equals(os) || "win8".equals(os) || "win10".equals(os) || "win11".equals(os);
        return machine != null && machine.atLeast(7, 1) && modernOs ? MAX_INDEX.get("usb") : MAX_USB_LEGACY;
    }

    static void crossCheck(GuestConfig cfg, Rule.Context ctx, Set<String> changed, Set<String> deleted,
                           Map<String, String> errors) {
        boolean arm = aarch64(cfg);
        MachineType machine = MachineType.ofConfig(cfg.get("machine"), arm);
        if (machine != null && cfg.get("machine") != null && machine.x86() == arm) {
            errors.putIfAbsent("machine", "machine type '" + Values.show(cfg.get("machine"))
                    + "' does not match architecture '" + (arm ? "aarch64" : "x86_64") + "'");
        }
        long memory = cfg.memoryMiB();
        String balloon = cfg.get("balloon");
        if (balloon != null && longOr(balloon, 0) > memory) {
            errors.putIfAbsent("balloon", "balloon value too large (must be smaller than assigned memory)");
        }
        long sockets = longOr(cfg.get("sockets"), 1);
        long cores = longOr(cfg.get("cores"), 1);
        if (sockets * cores > ctx.limits().cpus()) {
            String blame = cfg.get("cores") != null && (changed.contains("cores") || !changed.contains("sockets")) ? "cores" : "sockets";
            errors.putIfAbsent(blame, "sockets * cores (" + sockets * cores + ") must not exceed the node's "
                    + ctx.limits().cpus() + " cpus");
        }
        String vcpus = cfg.get("vcpus");
        if (vcpus != null && longOr(vcpus, 0) > sockets * cores) {
            errors.putIfAbsent("vcpus", "value must not exceed sockets * cores (" + sockets * cores + ")");
        }
        int maxUsb = maxUsbIndex(cfg, machine);
        List<String> cloudinit = new ArrayList<>();
        Map<String, String> macs = new HashMap<>();
        for (Map.Entry<String, String> e : cfg.values().entrySet()) {
            String key = e.getKey();
            Schema.Slot slot = Schema.slot(key);
            if (slot == null) {
                continue;
            }
            switch (slot.prefix()) {
                case "ide":
                    if (arm) {
                        errors.putIfAbsent(key, "IDE is not available on aarch64 (virt) machines; use sata or scsi");
                    }
                    break;
                case "usb":
                    if (machine != null && slot.index() > maxUsb) {
                        errors.putIfAbsent(key, "only usb0 to usb" + maxUsb + " are available with this machine version"
                                + " and ostype (usb5 and up need machine 7.1 or newer and ostype l26, win8, win10 or win11)");
                    }
                    break;
                case "hostpci":
                    if ("1".equals(Values.looseProperties(e.getValue(), "host").get("pcie"))
                            && (machine == null || machine.family() != MachineType.Family.Q35)) {
                        errors.putIfAbsent(key, "pcie=1 requires a q35 machine type");
                    }
                    break;
                case "net":
                    NicEntry.parse(GuestType.QEMU, key, e.getValue()).map(NicEntry::mac).ifPresent(mac -> {
                        String other = macs.putIfAbsent(mac, key);
                        if (other != null) {
                            errors.putIfAbsent(key, "MAC address " + mac + " is already used by " + other);
                        }
                    });
                    break;
                default:
            }
            DiskEntry.parse(GuestType.QEMU, key, e.getValue()).filter(DiskEntry::cloudinit).ifPresent(d -> cloudinit.add(key));
        }
        for (String extra : cloudinit.subList(Math.min(1, cloudinit.size()), cloudinit.size())) {
            errors.putIfAbsent(extra, "only one cloud-init drive is allowed, " + cloudinit.get(0) + " is one already");
        }
        String bootdisk = cfg.get("bootdisk");
        if (bootdisk != null && !cfg.values().containsKey(bootdisk)) {
            errors.putIfAbsent(deleted.contains(bootdisk) && !changed.contains("bootdisk") ? bootdisk : "bootdisk",
                    "boot disk '" + bootdisk + "' does not exist");
        }
        for (String device : bootDevices(cfg.get("boot"))) {
            if (!cfg.values().containsKey(device)) {
                if (deleted.contains(device) && !changed.contains("boot")) {
                    errors.putIfAbsent(device, "cannot delete '" + device + "': it is in the boot order (boot)");
                } else {
                    errors.putIfAbsent("boot", "invalid format - order: boot device '" + device + "' does not exist");
                }
            }
        }
    }

    private static long longOr(String raw, long fallback) {
        try {
            return raw == null ? fallback : Long.parseLong(raw);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
