package org.fabricve.node.libvirt.xml;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.Map;
import org.fabricve.core.config.DiskEntry;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.config.NicEntry;
import org.fabricve.node.libvirt.DomainXml;

/**
 * An LXC guest config (Proxmox pve-container keys) as libvirt domain XML for {@code lxc:///}. Same rules as
 * {@link QemuDomainXml}: StAX output, control characters refused, every config path checked to stay inside its
 * storage, errors are {@link IllegalArgumentException}s starting with the config key.
 *
 * <ul>
 *   <li>memory -> memory + memtune hard_limit; swap -> swap_hard_limit = memory + swap (libvirt's limit is
 *       memory plus swap, Proxmox's swap is the extra).</li>
 *   <li>cores -> vcpu; cpulimit -> cputune period 100000 / quota cpulimit*100000 (the LXC driver applies the
 *       quota to the whole container's cgroup); cpuunits -> shares.</li>
 *   <li>rootfs -> a mount of {@code rootfsDir} (prepared by the node: extracted template, mounted volume) on
 *       /; mpN -> a mount of the volume path on mp=PATH, ro=1 -> readonly.</li>
 *   <li>netN -> bridge interface with the guest name, MAC, static ip/ip6 (prefix from the CIDR) and gw/gw6
 *       as default routes; ip=dhcp/manual -> nothing (the guest's init does it). VLAN tag, trunks and firewall
 *       go to the fabric metadata like for VMs (libvirt has no VLAN on Linux bridges).</li>
 *   <li>always {@code <privnet/>}: a container gets its own network namespace, as in Proxmox, even with no netN.</li>
 *   <li>unprivileged=1 -> idmap of uid/gid 0 to 100000, count 65536 (Proxmox's default range).</li>
 *   <li>features (nesting, keyctl, fuse, mount, mknod, force_rw_sys), hostname, nameserver, searchdomain,
 *       tty, cmode, onboot, startup: not domain XML. The guest's own files (hostname, resolv.conf) are written
 *       into the rootfs by the node; nesting/keyctl/fuse have no libvirt LXC equivalent and are ignored.</li>
 * </ul>
 */
public final class LxcDomainXml {

    private static final String BRIDGE = "[A-Za-z][A-Za-z0-9_.-]{0,14}";
    private static final String IFNAME = "[A-Za-z][A-Za-z0-9_.-]{0,14}";
    private static final String MAC = "[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}";
    private static final String IPV4 = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}";
    private static final String IPV6 = "[0-9A-Fa-f:.]{2,45}";
    private static final String MOUNT_PATH = "/[A-Za-z0-9_.@+-]*(/[A-Za-z0-9_.@+-]+)*/?";

    private LxcDomainXml() {}

    /**
     * @param rootfsDir the container's root directory on this host (absolute)
     * @throws IllegalArgumentException starting with the config key at fault
     */
    public static String build(int vmid, String domainName, GuestConfig config, Path rootfsDir, HostPaths paths) {
        HostPaths.checkVmid(vmid);
        QemuDomainXml.checkDomainName(domainName);
        if (config == null || config.type() != GuestType.LXC) {
            throw new IllegalArgumentException("config: not an LXC guest config");
        }
        if (paths == null || rootfsDir == null || !rootfsDir.isAbsolute() || rootfsDir.normalize().getNameCount() == 0) {
            throw new IllegalArgumentException("rootfs: the container root must be an absolute directory other than /");
        }
        Xml w = new Xml();
        w.start("domain").attr("type", "lxc");
        w.key("name").leaf("name", domainName);
        if (config.get("hostname") != null) {
            w.key("hostname").leaf("title", config.get("hostname"));
        }
        if (config.get("description") != null) {
            w.key("description").start("description").multilineText(config.get("description")).endInline();
        }
        w.key("metadata").start("metadata");
        w.startNs(DomainXml.METADATA_ELEMENT, DomainXml.METADATA_NS).attr("vmid", vmid).attr("type", "lxc");
        for (NicEntry n : config.nics()) {
            nicMetadata(w, vmid, n);
        }
        w.end().end();

        long memory = config.get("memory") == null ? 512 : Xml.integer("memory", config.get("memory"), 16, 64L * 1024 * 1024);
        long swap = config.get("swap") == null ? 512 : Xml.integer("swap", config.get("swap"), 0, 1L << 40);
        w.key("memory");
        w.start("memory").attr("unit", "MiB").text(Long.toString(memory)).endInline();
        w.start("currentMemory").attr("unit", "MiB").text(Long.toString(memory)).endInline();
        w.start("memtune");
        w.start("hard_limit").attr("unit", "MiB").text(Long.toString(memory)).endInline();
        w.key("swap").start("swap_hard_limit").attr("unit", "MiB").text(Long.toString(memory + swap)).endInline();
        w.end();
        long cores = config.get("cores") == null ? 0 : Xml.integer("cores", config.get("cores"), 1, 8192);
        // Proxmox: no cores key = all host CPUs; libvirt needs a number, the cgroup is not limited by it.
        w.key("cores").start("vcpu").attr("placement", "static").text(Long.toString(Math.max(1, cores))).endInline();
        String limit = config.get("cpulimit");
        String units = config.get("cpuunits");
        boolean quota = limit != null && !limit.matches("0+(\\.0+)?");
        if (quota || units != null) {
            w.start("cputune");
            if (units != null) {
                w.key("cpuunits").leaf("shares", Long.toString(Math.max(2, Xml.integer("cpuunits", units, 0, 500_000))));
            }
            if (quota) {
                Xml.matching("cpulimit", limit, "[0-9]{1,4}(\\.[0-9]{1,6})?", "CPU limit");
                long q = new BigDecimal(limit).multiply(BigDecimal.valueOf(100_000)).setScale(0, RoundingMode.HALF_UP).longValueExact();
                w.key("cpulimit").leaf("period", "100000").leaf("quota", Long.toString(Math.max(1000, q)));
            }
            w.end();
        }
        w.key("arch").start("os");
        w.start("type").attr("arch", arch(config.get("arch"))).text("exe").endInline();
        w.leaf("init", "/sbin/init");
        w.end();
        if (Xml.bool("unprivileged", config.get("unprivileged"), false)) {
            w.key("unprivileged").start("idmap");
            w.empty("uid").attr("start", 0).attr("target", 100000).attr("count", 65536);
            w.empty("gid").attr("start", 0).attr("target", 100000).attr("count", 65536);
            w.end();
        }
        // a network namespace of its own even without NICs: otherwise libvirt shares the host's with the container
        w.key("config").start("features").empty("privnet").end();
        w.empty("clock").attr("offset", "utc");
        w.leaf("on_poweroff", "destroy").leaf("on_reboot", "restart").leaf("on_crash", "destroy");
        w.start("devices");
        w.key("rootfs").start("filesystem").attr("type", "mount").attr("accessmode", "passthrough");
        w.empty("source").attr("dir", rootfsDir.normalize().toString());
        w.empty("target").attr("dir", "/");
        w.end();
        for (DiskEntry d : config.disks()) {
            if (d.bus().equals("rootfs")) {
                // The node mounts the volume at rootfsDir; the volume itself is still checked to stay in its storage.
                if (d.volume() != null) {
                    if (d.storage() == null) {
                        throw new IllegalArgumentException("rootfs: host paths are not allowed ('" + Xml.show(d.volume()) + "')");
                    }
                    paths.volume("rootfs", d.storage(), d.volume());
                }
                continue;
            }
            mount(w, d, paths);
        }
        for (NicEntry n : config.nics()) {
            nic(w, vmid, n);
        }
        w.key("console").start("console").attr("type", "pty");
        w.empty("target").attr("type", "lxc").attr("port", 0);
        w.end();
        w.end(); // devices
        w.end(); // domain
        return w.finish();
    }

    static String arch(String arch) {
        if (arch == null) {
            return "x86_64";
        }
        switch (arch) {
            case "amd64": return "x86_64";
            case "i386": return "i686";
            case "arm64": return "aarch64";
            case "armhf": return "armv7l";
            case "riscv32": return "riscv32";
            case "riscv64": return "riscv64";
            default: throw new IllegalArgumentException("arch: unsupported architecture '" + Xml.show(arch) + "'");
        }
    }

    private static void mount(Xml w, DiskEntry d, HostPaths paths) {
        String key = d.key();
        w.key(key);
        if (d.volume() != null && d.storage() == null) {
            throw new IllegalArgumentException(key + ": host paths (bind mounts) are not allowed ('" + Xml.show(d.volume()) + "')");
        }
        Path source = paths.volume(key, d.storage(), d.volume());
        String mp = d.options().get("mp");
        if (mp == null) {
            throw new IllegalArgumentException(key + ": mp: property is missing");
        }
        Xml.checkPlain(key, mp);
        if (mp.length() > 255 || !mp.matches(MOUNT_PATH)) {
            throw new IllegalArgumentException(key + ": mount point '" + Xml.show(mp) + "' must be an absolute path without special characters");
        }
        for (String part : mp.split("/")) {
            if (part.equals("..") || part.equals(".")) {
                throw new IllegalArgumentException(key + ": mount point '" + Xml.show(mp) + "' must not contain '.' or '..'");
            }
        }
        String target = mp.length() > 1 && mp.endsWith("/") ? mp.substring(0, mp.length() - 1) : mp;
        if (target.equals("/")) {
            throw new IllegalArgumentException(key + ": mount point must not be / (that is rootfs)");
        }
        w.start("filesystem").attr("type", "mount").attr("accessmode", "passthrough");
        w.empty("source").attr("dir", source.toString());
        w.empty("target").attr("dir", target);
        if (Xml.bool(key, d.options().get("ro"), false)) {
            w.empty("readonly");
        }
        w.end();
    }

    private static String tap(int vmid, NicEntry n) {
        String veth = "veth" + vmid + "i" + n.index();
        return veth.length() <= 15 ? veth : null;
    }

    private static void nicMetadata(Xml w, int vmid, NicEntry n) {
        Map<String, String> o = n.options();
        boolean firewall = Xml.bool(n.key(), o.get("firewall"), false);
        String trunks = o.get("trunks");
        if (n.vlanTag() <= 0 && trunks == null && !firewall) {
            return;
        }
        w.key(n.key()).empty("nic").attr("key", n.key());
        String veth = tap(vmid, n);
        if (veth != null) {
            w.attr("tap", veth);
        }
        w.attr("bridge", Xml.matching(n.key(), n.bridge(), BRIDGE, "bridge"));
        if (n.vlanTag() > 0) {
            w.attr("tag", Xml.integer(n.key(), Integer.toString(n.vlanTag()), 1, 4094));
        }
        if (trunks != null) {
            w.attr("trunks", Xml.matching(n.key(), trunks, "[0-9]{1,4}(-[0-9]{1,4})?(;[0-9]{1,4}(-[0-9]{1,4})?)*", "trunks"));
        }
        if (firewall) {
            w.attr("firewall", "1");
        }
    }

    private static void nic(Xml w, int vmid, NicEntry n) {
        String key = n.key();
        Map<String, String> o = n.options();
        w.key(key).start("interface").attr("type", "bridge");
        if (n.mac() != null) {
            w.empty("mac").attr("address", Xml.matching(key, n.mac(), MAC, "MAC address").toUpperCase(java.util.Locale.ROOT));
        }
        w.empty("source").attr("bridge", Xml.matching(key, n.bridge(), BRIDGE, "bridge"));
        String veth = tap(vmid, n);
        if (veth != null) {
            w.empty("target").attr("dev", veth);
        }
        w.empty("guest").attr("dev", Xml.matching(key, o.get("name"), IFNAME, "interface name"));
        ip(w, key, o.get("ip"), false);
        ip(w, key, o.get("ip6"), true);
        route(w, key, o.get("gw"), false);
        route(w, key, o.get("gw6"), true);
        if (o.get("mtu") != null) {
            w.empty("mtu").attr("size", Xml.integer(key, o.get("mtu"), 64, 65535));
        }
        if (o.get("rate") != null) {
            long kib = QemuDomainXml.rateKiB(key, o.get("rate"));
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
        w.end();
    }

    private static void ip(Xml w, String key, String cidr, boolean six) {
        if (cidr == null || cidr.equals("dhcp") || cidr.equals("manual") || cidr.equals("auto")) {
            return;
        }
        int slash = cidr.indexOf('/');
        String addr = slash < 0 ? cidr : cidr.substring(0, slash);
        Xml.matching(key, addr, six ? IPV6 : IPV4, six ? "IPv6 address" : "IPv4 address");
        if (six && !addr.contains(":")) {
            throw new IllegalArgumentException(key + ": invalid IPv6 address '" + Xml.show(addr) + "'");
        }
        if (slash < 0) {
            throw new IllegalArgumentException(key + ": " + (six ? "ip6" : "ip") + " needs a prefix (ADDRESS/PREFIX)");
        }
        long prefix = Xml.integer(key, cidr.substring(slash + 1), 0, six ? 128 : 32);
        w.empty("ip").attr("address", addr).attr("family", six ? "ipv6" : "ipv4").attr("prefix", prefix);
    }

    private static void route(Xml w, String key, String gw, boolean six) {
        if (gw == null) {
            return;
        }
        Xml.matching(key, gw, six ? IPV6 : IPV4, six ? "IPv6 gateway" : "IPv4 gateway");
        w.empty("route").attr("family", six ? "ipv6" : "ipv4").attr("address", six ? "::" : "0.0.0.0")
                .attr("prefix", 0).attr("gateway", gw);
    }
}
