package org.fabricve.node.libvirt.xml;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fabricve.core.config.DiskEntry;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.config.NicEntry;
import org.fabricve.node.libvirt.DomainXml;

/**
 * A QEMU guest config (Proxmox qemu-server keys) as libvirt domain XML for a real hypervisor (qemu:///system).
 * Pure apart from reading the sysfs numbers of a USB port (usbN: host=BUS-PORT). Written through StAX, so
 * values are escaped; control characters are refused; every path that comes from the config is checked to lie
 * inside its storage ({@link HostPaths#volume}). Errors are {@link IllegalArgumentException}s that start with
 * the config key at fault, so the API can answer 400 with {@code {"errors": {key: message}}}.
 *
 * <p>Mapping choices (see also the package documentation):
 * <ul>
 *   <li>machine: none/pc/pc-i440fx-X.Y -> i440fx, q35/pc-q35-X.Y -> q35, virt[-X.Y] -> aarch64 virt; a
 *       Proxmox "+pveN" suffix is dropped (QEMU does not know it).</li>
 *   <li>cpu: default x86-64-v2-AES as Proxmox 8 defines it (qemu64 plus flags). {@code host} and {@code max}
 *       become host-passthrough with KVM; under TCG there is no host CPU to pass through, so both become
 *       mode='maximum' (QEMU's "max": everything TCG can emulate). Other names are passed as custom models
 *       with check='none' so that TCG runs them with the features it has.</li>
 *   <li>memory: the guest starts with {@code memory}; {@code balloon} is the floor an auto-ballooning host
 *       daemon may shrink it to (as in Proxmox), so currentMemory = memory; balloon=0 -> memballoon none.</li>
 *   <li>every disk and NIC carries the user alias {@code ua-KEY} (ua-scsi1, ua-net0): hotplug finds its device
 *       in the target and the live XML by config key.</li>
 *   <li>ide on q35 (which has no IDE controller): SATA drives on a second AHCI controller (index 1).</li>
 *   <li>NICs: tap name tapVMIDiN as in Proxmox. VLAN tags, trunks and firewall are NOT emitted as libvirt
 *       {@code <vlan>} (libvirt only supports it on Open vSwitch bridges and refuses to start a guest with a
 *       tag on a Linux bridge): they are recorded in the fabric metadata as
 *       {@code <nic key tap bridge tag trunks firewall/>} and the node agent applies them to the tap after
 *       start (bridge vlan add dev TAP vid TAG pvid untagged on a VLAN-aware Linux bridge).</li>
 *   <li>serial: ttyS0 always exists as a pty logged to {@link HostPaths#serialLog} (the console is read from
 *       the log and typed through libvirt's console stream); serialN: socket -> pty + log.</li>
 *   <li>onboot/startup are not domain XML: the fabric's guest config is their only home.</li>
 * </ul>
 */
public final class QemuDomainXml {

    static final Path USB_SYSFS = Path.of("/sys/bus/usb/devices");

    /** sata0..5 = sda..sdf, scsi0..30 = sdg..; q35 ide0..3 come after them. */
    private static final int Q35_IDE_OFFSET = 6 + 31;

    private static final Pattern MACHINE = Pattern.compile(
            "(pc|q35|virt|pc-i440fx-[0-9]{1,2}\\.[0-9]{1,2}|pc-q35-[0-9]{1,2}\\.[0-9]{1,2}|virt-[0-9]{1,2}\\.[0-9]{1,2})(\\+pve[0-9]{1,3})?");
    private static final String CPU_MODEL = "[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}";
    private static final String CPU_FLAGS = "[+-][A-Za-z0-9_.-]{1,40}(;[+-][A-Za-z0-9_.-]{1,40})*";
    private static final String MAC = "[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}";
    private static final String BRIDGE = "[A-Za-z][A-Za-z0-9_.-]{0,14}";
    private static final String UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    private static final Pattern PCI_ID = Pattern.compile(
            "(?:([0-9a-fA-F]{4}):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})(?:\\.([0-7]))?");
    private static final Pattern USB_ID = Pattern.compile("(?:0x)?([0-9a-fA-F]{4}):(?:0x)?([0-9a-fA-F]{4})");
    private static final Pattern USB_PORT = Pattern.compile("[0-9]{1,3}-[0-9]{1,3}(\\.[0-9]{1,3}){0,6}");
    private static final String SERIAL_DEV = "/dev/[A-Za-z0-9_-]{1,64}(/[A-Za-z0-9_-]{1,64}){0,3}";
    private static final String RATE = "[0-9]{1,6}(\\.[0-9]{1,6})?";

    /** Proxmox's x86-64-vN CPU models: qemu64 plus these flags (PVE::QemuServer::CPUConfig). */
    static final Map<String, List<String>> X86_64_LEVELS = Map.of(
            "x86-64-v2", List.of("popcnt", "lahf_lm", "sse4.1", "sse4.2", "ssse3"),
            "x86-64-v2-AES", List.of("aes", "popcnt", "lahf_lm", "sse4.1", "sse4.2", "ssse3"),
            "x86-64-v3", List.of("aes", "popcnt", "lahf_lm", "sse4.1", "sse4.2", "ssse3",
                    "avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "movbe", "xsave"),
            "x86-64-v4", List.of("aes", "popcnt", "lahf_lm", "sse4.1", "sse4.2", "ssse3",
                    "avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "movbe", "xsave",
                    "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"));

    private static final Map<String, Integer> MAX_INDEX = Map.of("ide", 3, "sata", 5, "scsi", 30, "virtio", 15);

    private static final Map<String, String> SCSI_MODELS = Map.of(
            "lsi", "lsilogic", "lsi53c810", "lsilogic", "virtio-scsi-pci", "virtio-scsi",
            "virtio-scsi-single", "virtio-scsi", "megasas", "lsisas1078", "pvscsi", "vmpvscsi");

    /** Proxmox's static memory of a VM with memory hotplug: the NUMA cells; DIMMs hold the rest. */
    static final long HOTPLUG_STATIC_MEMORY_MIB = 1024;
    /** The most memory a VM with memory hotplug can grow to (QEMU reserves the address space; TCG has 40 bits). */
    static final long HOTPLUG_MAX_MEMORY_MIB = 64 * 1024;
    /** DIMM slots: one per live memory increase. */
    static final int MEMORY_SLOTS = 16;

    /** The DIMM device a live memory increase attaches (node 0, like the one made at start). */
    public static String dimmDevice(long sizeMiB) {
        return "<memory model='dimm'><target><size unit='MiB'>" + sizeMiB + "</size><node>0</node></target></memory>";
    }

    private QemuDomainXml() {}

    /**
     * The domain XML of QEMU guest {@code vmid}.
     *
     * @param domainName the libvirt domain name (the node's naming scheme, e.g. "vm-100")
     * @param accel      what the host supports ({@link KvmProbe}); {@code kvm: 0} in the config forces TCG
     * @throws IllegalArgumentException starting with the config key at fault when a value cannot be expressed
     *                                  or would leave its storage
     */
    public static String build(int vmid, String domainName, GuestConfig config, Accel accel, HostPaths paths) {
        return build(vmid, domainName, config, accel, paths, USB_SYSFS);
    }

    static String build(int vmid, String domainName, GuestConfig config, Accel accel, HostPaths paths, Path usbSysfs) {
        if (config == null || config.type() != GuestType.QEMU) {
            throw new IllegalArgumentException("config: not a QEMU guest config");
        }
        return new Builder(vmid, domainName, config, accel, paths, usbSysfs).build();
    }

    /** The libvirt domain name check shared with the LXC translation. */
    static void checkDomainName(String domainName) {
        if (domainName == null || domainName.isEmpty() || domainName.length() > 200
                || !domainName.matches("[A-Za-z0-9][A-Za-z0-9_.+-]*")) {
            throw new IllegalArgumentException("name: invalid libvirt domain name '" + Xml.show(domainName) + "'");
        }
    }

    private enum Family { I440FX, Q35, VIRT }

    private record Nic(NicEntry entry, String tap) {}

    private static final class Builder {
        final int vmid;
        final String domainName;
        final GuestConfig cfg;
        final Accel accel;
        final HostPaths paths;
        final Path usbSysfs;
        final Xml w = new Xml();
        String arch;
        String machine;
        Family family;
        Map<String, Integer> bootOrder = new LinkedHashMap<>();
        final Map<String, Integer> diskIothread = new LinkedHashMap<>();
        final Map<Integer, Integer> controllerIothread = new TreeMap<>();
        int iothreads;
        List<DiskEntry> disks;
        List<Nic> nics = new ArrayList<>();
        String scsihw;
        String vgaType;
        boolean spice;

        Builder(int vmid, String domainName, GuestConfig cfg, Accel accel, HostPaths paths, Path usbSysfs) {
            this.vmid = HostPaths.checkVmid(vmid);
            checkDomainName(domainName);
            this.domainName = domainName;
            this.cfg = cfg;
            if (accel == null || paths == null) {
                throw new IllegalArgumentException("accel and paths are required");
            }
            this.accel = Xml.bool("kvm", cfg.get("kvm"), true) ? accel : Accel.TCG;
            this.paths = paths;
            this.usbSysfs = usbSysfs;
        }

        String get(String key) {
            return cfg.get(key);
        }

        String build() {
            machineAndArch();
            disks = cfg.disks();
            for (NicEntry n : cfg.nics()) {
                String tap = "tap" + vmid + "i" + n.index();
                nics.add(new Nic(n, tap.length() <= 15 ? tap : null));
            }
            scsihw = get("scsihw") == null ? "lsi" : get("scsihw");
            if (!SCSI_MODELS.containsKey(scsihw)) {
                throw new IllegalArgumentException("scsihw: unknown SCSI controller '" + Xml.show(scsihw) + "'");
            }
            vgaType = Xml.props(get("vga"), "type").getOrDefault("type", "std");
            planIothreads();
            bootOrder = bootOrder();

            w.start("domain").attr("type", accel.domainType());
            w.key("name").leaf("name", domainName);
            if (get("name") != null) {
                w.key("name").leaf("title", get("name"));
            }
            if (get("description") != null) {
                w.key("description").start("description").multilineText(get("description")).endInline();
            }
            genid();
            metadata();
            memory();
            cpuCount();
            os();
            features();
            cpu();
            clock();
            w.key("config").leaf("on_poweroff", "destroy").leaf("on_reboot", "restart").leaf("on_crash", "destroy");
            w.start("devices");
            for (DiskEntry d : disks) {
                disk(d);
            }
            controllers();
            for (Nic n : nics) {
                nic(n);
            }
            dimm();
            serials();
            agent();
            inputAndDisplay();
            hostpci();
            usb();
            tpm();
            memballoon();
            iommu();
            w.end(); // devices
            w.end(); // domain
            return w.finish();
        }

        // ---- machine, memory, cpu ----

        void machineAndArch() {
            String a = get("arch");
            String type = Xml.props(get("machine"), "type").get("type");
            if (a != null && !a.equals("x86_64") && !a.equals("aarch64")) {
                throw new IllegalArgumentException("arch: unsupported architecture '" + Xml.show(a) + "'");
            }
            if (type == null) {
                arch = a == null ? "x86_64" : a;
                machine = arch.equals("aarch64") ? "virt" : "pc";
            } else {
                Matcher m = MACHINE.matcher(type);
                if (!m.matches()) {
                    throw new IllegalArgumentException("machine: unknown machine type '" + Xml.show(type) + "'");
                }
                machine = m.group(1);
                arch = a != null ? a : machine.startsWith("virt") ? "aarch64" : "x86_64";
            }
            family = machine.startsWith("virt") ? Family.VIRT : machine.startsWith("pc-q35") || machine.equals("q35")
                    ? Family.Q35 : Family.I440FX;
            if ((family == Family.VIRT) != arch.equals("aarch64")) {
                throw new IllegalArgumentException("machine: machine type '" + machine + "' does not match architecture '"
                        + arch + "'");
            }
        }

        boolean x86() {
            return family != Family.VIRT;
        }

        long memoryMiB() {
            String raw = get("memory");
            if (raw == null) {
                return 512;
            }
            String current = Xml.props(raw, "current").get("current");
            return Xml.integer("memory", current, 16, 64L * 1024 * 1024);
        }

        void memory() {
            long mem = memoryMiB();
            if (get("balloon") != null) {
                long balloon = Xml.integer("balloon", get("balloon"), 0, 64L * 1024 * 1024);
                if (balloon > mem) {
                    throw new IllegalArgumentException("balloon: must not exceed memory (" + mem + " MiB)");
                }
            }
            w.key("memory");
            if (memoryHotplug()) {
                w.start("maxMemory").attr("slots", MEMORY_SLOTS).attr("unit", "MiB")
                        .text(Long.toString(Math.max(mem, HOTPLUG_MAX_MEMORY_MIB))).endInline();
            }
            w.start("memory").attr("unit", "MiB").text(Long.toString(mem)).endInline();
            w.start("currentMemory").attr("unit", "MiB").text(Long.toString(mem)).endInline();
            String huge = get("hugepages");
            if (huge != null) {
                w.key("hugepages").start("memoryBacking").start("hugepages");
                switch (huge) {
                    case "any": break;
                    case "2": w.empty("page").attr("size", "2").attr("unit", "M"); break;
                    case "1024": w.empty("page").attr("size", "1").attr("unit", "G"); break;
                    default: throw new IllegalArgumentException("hugepages: expected any, 2 or 1024");
                }
                w.end().end();
            }
        }

        int sockets() {
            return (int) Xml.integer("sockets", get("sockets") == null ? "1" : get("sockets"), 1, 64);
        }

        int cores() {
            return (int) Xml.integer("cores", get("cores") == null ? "1" : get("cores"), 1, 1024);
        }

        void cpuCount() {
            int max = sockets() * cores();
            w.key("vcpus").start("vcpu").attr("placement", "static");
            if (get("vcpus") != null) {
                long vcpus = Xml.integer("vcpus", get("vcpus"), 1, max);
                if (vcpus < max) {
                    w.attr("current", vcpus);
                }
            }
            w.text(Integer.toString(max)).endInline();
            if (iothreads > 0) {
                w.leaf("iothreads", Integer.toString(iothreads));
            }
            String limit = get("cpulimit");
            String units = get("cpuunits");
            boolean quota = limit != null && !limit.matches("0+(\\.0+)?");
            if (quota || units != null) {
                w.start("cputune");
                if (units != null) {
                    w.key("cpuunits").leaf("shares", Long.toString(Xml.integer("cpuunits", units, 1, 262_144)));
                }
                if (quota) {
                    Xml.matching("cpulimit", limit, "[0-9]{1,3}(\\.[0-9]{1,6})?", "CPU limit");
                    long q = new BigDecimal(limit).multiply(BigDecimal.valueOf(100_000)).setScale(0, RoundingMode.HALF_UP)
                            .longValueExact();
                    w.key("cpulimit").leaf("global_period", "100000").leaf("global_quota", Long.toString(Math.max(1000, q)));
                }
                w.end();
            }
        }

        void os() {
            w.key("machine").start("os");
            w.start("type").attr("arch", arch).attr("machine", machine).text("hvm").endInline();
            String bios = get("bios");
            Path efidisk = efidisk();
            if ("ovmf".equals(bios)) {
                w.key("bios").start("loader").attr("readonly", "yes").attr("type", "pflash")
                        .text(paths.ovmfCode().toString()).endInline();
                Path vars = efidisk != null ? efidisk : paths.nvram(vmid);
                w.key("efidisk0").start("nvram").attr("template", paths.ovmfVarsTemplate().toString())
                        .text(vars.toString()).endInline();
            } else if (bios != null && !bios.equals("seabios")) {
                throw new IllegalArgumentException("bios: expected seabios or ovmf");
            }
            w.end();
        }

        /** The efidisk0 volume, checked even when bios is not ovmf (then it is unused). */
        Path efidisk() {
            String efi = get("efidisk0");
            if (efi == null) {
                return null;
            }
            String file = Xml.props(efi, "file").get("file");
            int colon = file == null ? -1 : file.indexOf(':');
            if (colon <= 0 || file.substring(colon + 1).matches("[0-9]*")) {
                throw new IllegalArgumentException("efidisk0: expected an allocated STORAGE:VOLUME, got '" + Xml.show(file) + "'");
            }
            return paths.volume("efidisk0", file.substring(0, colon), file.substring(colon + 1));
        }

        void features() {
            boolean acpi = Xml.bool("acpi", get("acpi"), true);
            w.key("acpi").start("features");
            // ACPI on aarch64 needs UEFI; without it libvirt refuses the domain.
            if (acpi && (x86() || "ovmf".equals(get("bios")))) {
                w.empty("acpi");
            }
            if (x86()) {
                w.empty("apic");
            }
            if (accel == Accel.KVM && windows()) {
                w.start("hyperv").attr("mode", "custom");
                w.empty("relaxed").attr("state", "on");
                w.empty("vapic").attr("state", "on");
                w.empty("spinlocks").attr("state", "on").attr("retries", "8191");
                w.end();
            }
            Map<String, String> cpu = Xml.props(get("cpu"), "cputype");
            if (accel == Accel.KVM && Xml.bool("cpu", cpu.get("hidden"), false)) {
                w.start("kvm").empty("hidden").attr("state", "on").end();
            }
            if ("intel".equals(Xml.props(get("machine"), "type").get("viommu"))) {
                w.empty("ioapic").attr("driver", "qemu");
            }
            w.end();
        }

        boolean windows() {
            String os = get("ostype");
            return os != null && os.startsWith("w");
        }

        void cpu() {
            Map<String, String> props = Xml.props(get("cpu"), "cputype");
            String type = props.getOrDefault("cputype", x86() ? "x86-64-v2-AES" : "host");
            w.key("cpu");
            Xml.matching("cpu", type, "(custom-)?" + CPU_MODEL, "CPU type");
            if (type.startsWith("custom-")) {
                throw new IllegalArgumentException("cpu: custom CPU models (" + Xml.show(type) + ") are not supported yet");
            }
            w.start("cpu");
            if (type.equals("host") || type.equals("max")) {
                if (accel == Accel.KVM && type.equals("host")) {
                    w.attr("mode", "host-passthrough").attr("check", "none").attr("migratable", "on");
                } else {
                    w.attr("mode", "maximum").attr("check", "none").attr("migratable", "on");
                }
            } else {
                w.attr("mode", "custom").attr("match", "exact").attr("check", "none");
                List<String> levelFlags = X86_64_LEVELS.get(type);
                String model = levelFlags != null ? "qemu64" : type;
                if (levelFlags != null && !x86()) {
                    throw new IllegalArgumentException("cpu: " + type + " is an x86 CPU model, this guest is " + arch);
                }
                w.start("model").attr("fallback", "forbid").text(model).endInline();
                if (levelFlags != null) {
                    for (String f : levelFlags) {
                        w.empty("feature").attr("policy", "require").attr("name", f);
                    }
                }
            }
            w.empty("topology").attr("sockets", sockets()).attr("dies", 1).attr("cores", cores()).attr("threads", 1);
            String flags = props.get("flags");
            if (flags != null) {
                Xml.matching("cpu", flags, CPU_FLAGS, "CPU flags");
                for (String f : flags.split(";")) {
                    w.empty("feature").attr("policy", f.charAt(0) == '+' ? "require" : "disable").attr("name", f.substring(1));
                }
            }
            if (Xml.bool("numa", get("numa"), false)) {
                numa();
            }
            w.end();
        }

        /** Memory hotplug: numa=1 and hotplug has memory, as Proxmox asks. */
        boolean memoryHotplug() {
            return Xml.bool("numa", get("numa"), false)
                    && org.fabricve.core.guest.Hotplug.categories(get("hotplug")).contains("memory");
        }

        /** The memory the NUMA cells hold; with memory hotplug the rest is a DIMM (see {@link #dimm}). */
        long staticMemoryMiB() {
            return memoryHotplug() ? Math.min(memoryMiB(), HOTPLUG_STATIC_MEMORY_MIB) : memoryMiB();
        }

        /** With memory hotplug, what exceeds the static memory is one DIMM on node 0 (hotplug adds more). */
        void dimm() {
            long extra = memoryMiB() - staticMemoryMiB();
            if (memoryHotplug() && extra > 0) {
                w.key("memory").start("memory").attr("model", "dimm").start("target");
                w.start("size").attr("unit", "MiB").text(Long.toString(extra)).endInline();
                w.leaf("node", "0");
                w.end().end();
            }
        }

        /** numa=1: one NUMA node per socket as Proxmox does, memory split evenly (remainder on node 0). */
        void numa() {
            int sockets = sockets();
            int cores = cores();
            long mem = staticMemoryMiB();
            w.key("numa").start("numa");
            for (int s = 0; s < sockets; s++) {
                long cellMem = mem / sockets + (s == 0 ? mem % sockets : 0);
                int first = s * cores;
                String cpus = cores == 1 ? Integer.toString(first) : first + "-" + (first + cores - 1);
                w.empty("cell").attr("id", s).attr("cpus", cpus).attr("memory", cellMem).attr("unit", "MiB");
            }
            w.end();
        }

        void clock() {
            boolean local = get("localtime") != null ? Xml.bool("localtime", get("localtime"), false) : windows();
            w.key("localtime").start("clock").attr("offset", local ? "localtime" : "utc");
            if (x86()) {
                w.empty("timer").attr("name", "rtc").attr("tickpolicy", "catchup");
                w.empty("timer").attr("name", "pit").attr("tickpolicy", "delay");
                w.empty("timer").attr("name", "hpet").attr("present", "no");
                if (accel == Accel.KVM && windows()) {
                    w.empty("timer").attr("name", "hypervclock").attr("present", "yes");
                }
            }
            w.end();
        }

        void genid() {
            String g = get("vmgenid");
            if (g == null || g.equals("0")) {
                return;
            }
            w.key("vmgenid");
            if (g.equals("1")) {
                w.empty("genid");
            } else {
                w.leaf("genid", Xml.matching("vmgenid", g, UUID, "UUID"));
            }
        }

        void metadata() {
            w.key("metadata").start("metadata");
            w.startNs(DomainXml.METADATA_ELEMENT, DomainXml.METADATA_NS).attr("vmid", vmid).attr("type", "qemu");
            for (Nic n : nics) {
                Map<String, String> o = n.entry().options();
                boolean firewall = Xml.bool(n.entry().key(), o.get("firewall"), false);
                String trunks = o.get("trunks");
                if (n.entry().vlanTag() > 0 || trunks != null || firewall) {
                    w.key(n.entry().key()).empty("nic").attr("key", n.entry().key());
                    if (n.tap() != null) {
                        w.attr("tap", n.tap());
                    }
                    w.attr("bridge", bridge(n.entry()));
                    if (n.entry().vlanTag() > 0) {
                        w.attr("tag", vlan(n.entry()));
                    }
                    if (trunks != null) {
                        w.attr("trunks", Xml.matching(n.entry().key(), trunks,
                                "[0-9]{1,4}(-[0-9]{1,4})?(;[0-9]{1,4}(-[0-9]{1,4})?)*", "trunks"));
                    }
                    if (firewall) {
                        w.attr("firewall", "1");
                    }
                }
            }
            w.end().end();
        }

        // ---- disks ----

        void planIothreads() {
            for (DiskEntry d : disks) {
                if (!Xml.bool(d.key(), d.options().get("iothread"), false)) {
                    continue;
                }
                if (d.bus().equals("virtio")) {
                    diskIothread.put(d.key(), ++iothreads);
                } else if (d.bus().equals("scsi") && "virtio-scsi-single".equals(get("scsihw"))) {
                    controllerIothread.put(d.index(), ++iothreads);
                }
                // iothread on other buses is ignored, as Proxmox does
            }
        }

        void disk(DiskEntry d) {
            String key = d.key();
            w.key(key);
            Integer max = MAX_INDEX.get(d.bus());
            if (max == null || d.index() > max) {
                throw new IllegalArgumentException(key + ": no such drive slot (" + d.bus() + "0 to " + d.bus() + max + ")");
            }
            if (cdrom(d) && d.bus().equals("virtio")) {
                throw new IllegalArgumentException(key + ": virtio does not support CD-ROM or cloud-init drives");
            }
            if (d.bus().equals("ide") && family == Family.VIRT) {
                throw new IllegalArgumentException(key + ": IDE is not available on aarch64 (virt) machines; use sata or scsi");
            }
            Map<String, String> o = d.options();
            Path source = null;
            if (d.cloudinit()) {
                source = paths.cloudInitIso(vmid);
            } else if (d.volume() != null) {
                if (d.storage() == null) {
                    throw new IllegalArgumentException(key + ": host paths are not allowed ('" + Xml.show(d.volume())
                            + "'), use STORAGE:VOLUME");
                }
                source = paths.volume(key, d.storage(), d.volume());
            } else if (!cdrom(d)) {
                throw new IllegalArgumentException(key + ": no volume allocated (" + Xml.show(cfg.get(key)) + ")");
            } else if (d.storage() != null) {
                throw new IllegalArgumentException(key + ": a CD-ROM needs STORAGE:VOLUME or none");
            }
            boolean block = source != null && source.startsWith("/dev");
            w.start("disk").attr("type", block ? "block" : "file").attr("device", cdrom(d) ? "cdrom" : "disk");
            w.empty("driver").attr("name", "qemu").attr("type", format(d, source));
            if (o.containsKey("cache")) {
                w.attr("cache", oneOf(key, "cache", o.get("cache"), "none", "writethrough", "writeback", "directsync", "unsafe"));
            }
            if (o.containsKey("aio")) {
                w.attr("io", oneOf(key, "aio", o.get("aio"), "native", "threads", "io_uring"));
            }
            if (o.containsKey("discard")) {
                w.attr("discard", "on".equals(oneOf(key, "discard", o.get("discard"), "on", "ignore")) ? "unmap" : "ignore");
            }
            if (diskIothread.containsKey(key)) {
                w.attr("iothread", diskIothread.get(key));
            }
            if (source != null) {
                w.empty("source").attr(block ? "dev" : "file", source.toString());
            }
            String bus = d.bus();
            String dev;
            if (bus.equals("ide") && family == Family.Q35) {
                bus = "sata";
                dev = "sd" + DomainXml.letters(Q35_IDE_OFFSET + d.index());
            } else {
                dev = DomainXml.targetDev(bus, d.index());
            }
            w.empty("target").attr("dev", dev).attr("bus", bus);
            if (Xml.bool(key, o.get("ssd"), false) && !d.bus().equals("virtio")) {
                w.attr("rotation_rate", "1");
            }
            if (o.containsKey("serial")) {
                w.leaf("serial", Xml.matching(key, o.get("serial"), "[A-Za-z0-9_.-]{1,20}", "disk serial"));
            }
            if (cdrom(d) || Xml.bool(key, o.get("ro"), false)) {
                w.empty("readonly");
            }
            bootOrder(key);
            diskAddress(d);
            alias(key);
            w.end();
        }

        void diskAddress(DiskEntry d) {
            int i = d.index();
            switch (d.bus()) {
                case "ide":
                    if (family == Family.Q35) {
                        w.empty("address").attr("type", "drive").attr("controller", 1).attr("bus", 0).attr("target", 0).attr("unit", i);
                    } else {
                        w.empty("address").attr("type", "drive").attr("controller", 0).attr("bus", i / 2).attr("target", 0).attr("unit", i % 2);
                    }
                    break;
                case "sata":
                    w.empty("address").attr("type", "drive").attr("controller", 0).attr("bus", 0).attr("target", 0).attr("unit", i);
                    break;
                case "scsi":
                    w.empty("address").attr("type", "drive").attr("controller", scsiController(i)).attr("bus", 0)
                            .attr("target", 0).attr("unit", scsiUnit(i));
                    break;
                default: // virtio-blk: a PCI device, libvirt places it
            }
        }

        int scsiController(int index) {
            switch (scsihw) {
                case "virtio-scsi-single": return index;
                case "lsi": case "lsi53c810": return index / 7;
                default: return 0;
            }
        }

        int scsiUnit(int index) {
            switch (scsihw) {
                case "virtio-scsi-single": return 0;
                case "lsi": case "lsi53c810": return index % 7;
                default: return index;
            }
        }

        String format(DiskEntry d, Path source) {
            String f = d.options().get("format");
            if (f != null) {
                return oneOf(d.key(), "format", f, "raw", "qcow2", "vmdk");
            }
            if (source == null || d.cloudinit() || source.startsWith("/dev")) {
                return "raw";
            }
            String name = source.getFileName().toString().toLowerCase(Locale.ROOT);
            return name.endsWith(".qcow2") ? "qcow2" : name.endsWith(".vmdk") ? "vmdk" : "raw";
        }

        void controllers() {
            Set<Integer> scsi = new java.util.TreeSet<>();
            boolean sata = family == Family.Q35 && disks.stream().anyMatch(d -> d.bus().equals("ide"));
            boolean sata0 = disks.stream().anyMatch(d -> d.bus().equals("sata"));
            for (DiskEntry d : disks) {
                if (d.bus().equals("scsi")) {
                    scsi.add(scsiController(d.index()));
                }
            }
            w.key("scsihw");
            for (int c : scsi) {
                w.start("controller").attr("type", "scsi").attr("index", c).attr("model", SCSI_MODELS.get(scsihw));
                if (controllerIothread.containsKey(c)) {
                    w.empty("driver").attr("iothread", controllerIothread.get(c));
                }
                w.end();
            }
            if (sata0 || sata) {
                w.empty("controller").attr("type", "sata").attr("index", 0);
            }
            if (sata) {
                w.empty("controller").attr("type", "sata").attr("index", 1);
            }
            w.key("usb").empty("controller").attr("type", "usb").attr("index", 0).attr("model", usbModel());
        }

        String usbModel() {
            boolean usb3 = false;
            for (int i = 0; i <= 13; i++) {
                String v = get("usb" + i);
                if (v != null && Xml.bool("usb" + i, Xml.props(v, "host").get("usb3"), false)) {
                    usb3 = true;
                }
            }
            return family == Family.I440FX && !usb3 ? "piix3-uhci" : "qemu-xhci";
        }

        // ---- boot order ----

        Map<String, Integer> bootOrder() {
            Map<String, Integer> out = new LinkedHashMap<>();
            String boot = get("boot");
            List<String> devices = new ArrayList<>();
            if (boot != null && boot.startsWith("order=")) {
                for (String dev : boot.substring("order=".length()).split(";")) {
                    Xml.matching("boot", dev, "(ide|sata|scsi|virtio|net|hostpci|usb)(0|[1-9][0-9]?)", "boot device");
                    if (get(dev) == null) {
                        throw new IllegalArgumentException("boot: boot device '" + dev + "' does not exist");
                    }
                    devices.add(dev);
                }
            } else {
                String letters = boot == null ? "cdn" : Xml.matching("boot", boot, "[acdn]{1,4}", "boot order");
                for (char c : letters.toCharArray()) {
                    if (c == 'c') {
                        String bootdisk = get("bootdisk");
                        if (bootdisk != null && get(bootdisk) != null) {
                            devices.add(bootdisk);
                        } else {
                            disks.stream().filter(d -> !cdrom(d)).findFirst().ifPresent(d -> devices.add(d.key()));
                        }
                    } else if (c == 'd') {
                        disks.stream().filter(QemuDomainXml::cdrom).filter(d -> !d.cloudinit()).findFirst()
                                .ifPresent(d -> devices.add(d.key()));
                    } else if (c == 'n') {
                        nics.stream().findFirst().ifPresent(n -> devices.add(n.entry().key()));
                    }
                }
            }
            for (String d : devices) {
                out.putIfAbsent(d, out.size() + 1);
            }
            return out;
        }

        void bootOrder(String key) {
            Integer order = bootOrder.get(key);
            if (order != null) {
                w.empty("boot").attr("order", order);
            }
        }

        // ---- network ----

        String bridge(NicEntry n) {
            return Xml.matching(n.key(), n.bridge(), BRIDGE, "bridge");
        }

        String vlan(NicEntry n) {
            if (n.vlanTag() < 1 || n.vlanTag() > 4094) {
                throw new IllegalArgumentException(n.key() + ": VLAN tag out of range (1-4094)");
            }
            return Integer.toString(n.vlanTag());
        }

        void nic(Nic nic) {
            NicEntry n = nic.entry();
            String key = n.key();
            Map<String, String> o = n.options();
            w.key(key).start("interface").attr("type", "bridge");
            if (n.mac() != null) {
                w.empty("mac").attr("address", Xml.matching(key, n.mac(), MAC, "MAC address").toUpperCase(Locale.ROOT));
            }
            w.empty("source").attr("bridge", bridge(n));
            if (nic.tap() != null) {
                w.empty("target").attr("dev", nic.tap());
            }
            String model = oneOf(key, "model", n.model(), "virtio", "e1000", "e1000e", "rtl8139", "vmxnet3");
            w.empty("model").attr("type", model);
            if (o.get("queues") != null && model.equals("virtio")) {
                long q = Xml.integer(key, o.get("queues"), 0, 64);
                if (q > 1) {
                    w.empty("driver").attr("queues", q);
                }
            }
            if (o.get("mtu") != null && model.equals("virtio")) {
                long mtu = Xml.integer(key, o.get("mtu"), 1, 65520);
                if (mtu > 1) { // mtu=1: use the bridge's MTU (Proxmox), which is what libvirt does anyway
                    w.empty("mtu").attr("size", mtu);
                }
            }
            String rate = o.get("rate");
            if (rate != null) {
                long kib = rateKiB(key, rate);
                if (kib > 0) {
                    w.start("bandwidth");
                    w.empty("inbound").attr("average", kib);
                    w.empty("outbound").attr("average", kib);
                    w.end();
                }
            }
            if (Xml.bool(key, o.get("link_down"), false)) {
                w.empty("link").attr("state", "down");
            }
            bootOrder(key);
            alias(key);
            w.end();
        }

        /** A user alias naming the device after its config key: hotplug finds it again in the live XML. */
        void alias(String key) {
            w.empty("alias").attr("name", "ua-" + key);
        }

        // ---- serial, agent, display ----

        void serials() {
            for (int port = 0; port <= 3; port++) {
                String key = "serial" + port;
                String v = get(key);
                if (v == null && port > 0) {
                    continue;
                }
                w.key(key);
                if (v == null || v.equals("socket")) {
                    w.start("serial").attr("type", "pty");
                } else {
                    Xml.matching(key, v, SERIAL_DEV, "serial device (expected socket or /dev/...)");
                    w.start("serial").attr("type", "dev");
                    w.empty("source").attr("path", v);
                }
                w.empty("log").attr("file", paths.serialLog(vmid, port).toString()).attr("append", "on");
                w.start("target");
                if (!x86() && port > 0) {
                    w.attr("type", "pci-serial");
                }
                w.attr("port", port).end();
                w.end();
            }
            w.key("serial0").start("console").attr("type", "pty");
            w.empty("target").attr("type", "serial").attr("port", 0);
            w.end();
        }

        void agent() {
            String v = get("agent");
            if (v == null || !Xml.bool("agent", Xml.props(v, "enabled").get("enabled"), false)) {
                return;
            }
            w.key("agent").start("channel").attr("type", "unix");
            w.empty("source").attr("mode", "bind");
            w.empty("target").attr("type", "virtio").attr("name", "org.qemu.guest_agent.0");
            w.end();
        }

        void inputAndDisplay() {
            Map<String, String> vga = Xml.props(get("vga"), "type");
            String type = vgaType;
            boolean xvga = false;
            for (int i = 0; i <= 15; i++) {
                String v = get("hostpci" + i);
                if (v != null && Xml.bool("hostpci" + i, Xml.props(v, "host").get("x-vga"), false)) {
                    xvga = true;
                }
            }
            boolean headless = xvga || type.equals("none") || type.matches("serial[0-3]");
            w.key("tablet");
            if (Xml.bool("tablet", get("tablet"), true) && !headless) {
                w.empty("input").attr("type", "tablet").attr("bus", "usb");
            }
            if (!x86() && !headless) {
                w.empty("input").attr("type", "keyboard").attr("bus", "usb");
            }
            w.key("vga");
            String model;
            int heads = 1;
            switch (type) {
                case "std": model = x86() ? "vga" : "virtio"; break;
                case "cirrus": model = "cirrus"; break;
                case "vmware": model = "vmvga"; break;
                case "qxl": model = "qxl"; break;
                case "qxl2": case "qxl3": case "qxl4": model = "qxl"; heads = type.charAt(3) - '0'; break;
                case "virtio": case "virtio-gl": model = "virtio"; break;
                case "none": case "serial0": case "serial1": case "serial2": case "serial3": model = "none"; break;
                default: throw new IllegalArgumentException("vga: unknown display type '" + Xml.show(type) + "'");
            }
            if (headless) {
                model = "none";
            }
            spice = model.equals("qxl") || usbSpice();
            if (!headless) {
                w.start("graphics").attr("type", "vnc").attr("autoport", "yes").attr("listen", "127.0.0.1");
                w.empty("listen").attr("type", "address").attr("address", "127.0.0.1");
                w.end();
            }
            if (spice) {
                w.start("graphics").attr("type", "spice").attr("autoport", "yes").attr("listen", "127.0.0.1");
                w.empty("listen").attr("type", "address").attr("address", "127.0.0.1");
                w.end();
            }
            w.start("video").empty("model").attr("type", model);
            if (!model.equals("none")) {
                if (vga.get("memory") != null) {
                    long kib = Xml.integer("vga", vga.get("memory"), 4, 512) * 1024;
                    w.attr(model.equals("qxl") ? "vgamem" : "vram", kib);
                }
                w.attr("heads", heads).attr("primary", "yes");
            }
            w.end();
        }

        boolean usbSpice() {
            for (int i = 0; i <= 13; i++) {
                String v = get("usb" + i);
                if (v != null && "spice".equals(Xml.props(v, "host").get("host"))) {
                    return true;
                }
            }
            return false;
        }

        // ---- passthrough ----

        void hostpci() {
            for (int i = 0; i <= 15; i++) {
                String key = "hostpci" + i;
                String v = get(key);
                if (v == null) {
                    continue;
                }
                w.key(key);
                Map<String, String> o = Xml.props(v, "host");
                if (o.containsKey("mdev")) {
                    throw new IllegalArgumentException(key + ": mediated devices (mdev) are not supported yet");
                }
                String host = o.get("host");
                if (host == null) {
                    throw new IllegalArgumentException(key + ": host: property is missing");
                }
                boolean first = true;
                for (String id : host.split(";")) {
                    Matcher m = PCI_ID.matcher(id);
                    if (!m.matches()) {
                        throw new IllegalArgumentException(key + ": invalid PCI address '" + Xml.show(id) + "'");
                    }
                    w.start("hostdev").attr("mode", "subsystem").attr("type", "pci").attr("managed", "yes");
                    w.empty("driver").attr("name", "vfio"); // the only backend; libvirt cannot pick one without IOMMU
                    w.start("source").empty("address")
                            .attr("domain", "0x" + (m.group(1) == null ? "0000" : m.group(1).toLowerCase(Locale.ROOT)))
                            .attr("bus", "0x" + m.group(2).toLowerCase(Locale.ROOT))
                            .attr("slot", "0x" + m.group(3).toLowerCase(Locale.ROOT))
                            .attr("function", "0x" + (m.group(4) == null ? "0" : m.group(4)));
                    w.end();
                    if (!Xml.bool(key, o.get("rombar"), true)) {
                        w.empty("rom").attr("bar", "off");
                    }
                    if (first) {
                        bootOrder(key);
                    }
                    first = false;
                    w.end();
                }
            }
        }

        void usb() {
            for (int i = 0; i <= 13; i++) {
                String key = "usb" + i;
                String v = get(key);
                if (v == null) {
                    continue;
                }
                w.key(key);
                String host = Xml.props(v, "host").get("host");
                if (host == null) {
                    throw new IllegalArgumentException(key + ": host: property is missing");
                }
                if (host.equals("spice")) {
                    w.start("redirdev").attr("bus", "usb").attr("type", "spicevmc");
                    bootOrder(key);
                    w.end();
                    continue;
                }
                Matcher id = USB_ID.matcher(host);
                w.start("hostdev").attr("mode", "subsystem").attr("type", "usb").attr("managed", "yes");
                w.start("source");
                if (id.matches()) {
                    w.empty("vendor").attr("id", "0x" + id.group(1).toLowerCase(Locale.ROOT));
                    w.empty("product").attr("id", "0x" + id.group(2).toLowerCase(Locale.ROOT));
                } else if (USB_PORT.matcher(host).matches()) {
                    long[] busDev = usbPort(key, host);
                    w.empty("address").attr("bus", busDev[0]).attr("device", busDev[1]);
                } else {
                    throw new IllegalArgumentException(key + ": invalid USB device '" + Xml.show(host)
                            + "' (VENDOR:PRODUCT, BUS-PORT or spice)");
                }
                w.end();
                bootOrder(key);
                w.end();
            }
        }

        /**
         * libvirt names a USB device by bus and device number, Proxmox by bus and physical port: the numbers of
         * the device now plugged into that port come from sysfs (they change on replug, so this is read at start).
         */
        long[] usbPort(String key, String port) {
            Path dir = usbSysfs.resolve(port);
            try {
                long bus = Xml.integer(key, Files.readString(dir.resolve("busnum")).trim(), 1, 999);
                long dev = Xml.integer(key, Files.readString(dir.resolve("devnum")).trim(), 1, 999);
                return new long[] {bus, dev};
            } catch (IOException e) {
                throw new IllegalArgumentException(key + ": no USB device at port " + port + " on this host");
            }
        }

        void tpm() {
            String v = get("tpmstate0");
            if (v == null) {
                return;
            }
            w.key("tpmstate0");
            Map<String, String> o = Xml.props(v, "file");
            String file = o.get("file");
            int colon = file == null ? -1 : file.indexOf(':');
            String rest = colon < 0 ? "" : file.substring(colon + 1);
            if (colon > 0 && !rest.matches("[0-9]+")) {
                // libvirt 9 keeps swtpm state under /var/lib/libvirt/swtpm; the volume is still checked here.
                paths.volume("tpmstate0", file.substring(0, colon), rest);
            }
            String version = o.getOrDefault("version", "v2.0");
            boolean v2 = oneOf("tpmstate0", "version", version, "v1.2", "v2.0").equals("v2.0");
            w.start("tpm").attr("model", v2 && x86() ? "tpm-crb" : "tpm-tis");
            w.empty("backend").attr("type", "emulator").attr("version", v2 ? "2.0" : "1.2");
            w.end();
        }

        void memballoon() {
            w.key("balloon");
            if (get("balloon") != null && Xml.integer("balloon", get("balloon"), 0, Long.MAX_VALUE / 2) == 0) {
                w.empty("memballoon").attr("model", "none");
            } else {
                w.start("memballoon").attr("model", "virtio");
                w.empty("stats").attr("period", 5);
                w.end();
            }
        }

        void iommu() {
            String viommu = Xml.props(get("machine"), "type").get("viommu");
            if (viommu == null) {
                return;
            }
            w.key("machine");
            oneOf("machine", "viommu", viommu, "intel", "virtio");
            if (family != Family.Q35 && viommu.equals("intel")) {
                throw new IllegalArgumentException("machine: viommu=intel needs a q35 machine type");
            }
            w.empty("iommu").attr("model", viommu);
        }
    }

    // ---- helpers ----

    static String oneOf(String key, String option, String value, String... allowed) {
        for (String a : allowed) {
            if (a.equals(value)) {
                return value;
            }
        }
        throw new IllegalArgumentException(key + ": invalid " + option + " '" + Xml.show(value) + "' (expected one of "
                + String.join(", ", allowed) + ")");
    }

    /** A cloud-init drive is always a CD-ROM, even if a stored config lacks media=cdrom. */
    static boolean cdrom(DiskEntry d) {
        return d.cdrom() || d.cloudinit();
    }

    /** Proxmox rate is MB/s (MiB, as it configures tc); libvirt's average is KiB/s. 0 = unlimited. */
    static long rateKiB(String key, String rate) {
        Xml.matching(key, rate, RATE, "rate");
        BigDecimal kib = new BigDecimal(rate).multiply(BigDecimal.valueOf(1024)).setScale(0, RoundingMode.HALF_UP);
        long v = kib.longValueExact();
        return v == 0 && new BigDecimal(rate).signum() > 0 ? 1 : v;
    }
}
