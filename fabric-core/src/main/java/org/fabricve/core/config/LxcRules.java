package org.fabricve.core.config;

import static org.fabricve.core.config.CommonRules.bool;
import static org.fabricve.core.config.CommonRules.integer;
import static org.fabricve.core.config.CommonRules.oneOf;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The LXC config keys (Proxmox pve-container names and formats) and the checks across keys. */
final class LxcRules {

    static final int MAX_MP = 255, MAX_NET = 31;

    /** Create-time parameters that are consumed by the create task and never written to the config. */
    static final Set<String> NOT_STORED = Set.of("password", "ssh-public-keys");

    private static final Pattern TEMPLATE = Pattern.compile("vztmpl/[A-Za-z0-9][A-Za-z0-9_.+-]{0,200}\\.tar\\.(gz|xz|zst)");

    private LxcRules() {}

    static Schema schema(NodeLimits limits, boolean create) {
        Schema s = new Schema()
                .key("hostname", (k, v, c) -> Values.dnsName(v, 255))
                .key("memory", integer(16, limits.memoryMiB()))
                .key("swap", integer(0, 1L << 40))
                .key("cores", integer(1, limits.cpus()))
                .key("cpulimit", (k, v, c) -> Values.number(v, 0, limits.cpus()))
                .key("cpuunits", integer(0, 500_000))
                .key("rootfs", DriveValues::lxcVolume)
                .key("features", LxcRules::features)
                .key("startup", CommonRules::startup)
                .key("tags", CommonRules::tags)
                .key("description", CommonRules::description)
                .key("arch", oneOf("amd64", "i386", "arm64", "armhf", "riscv32", "riscv64"))
                .key("ostype", oneOf("debian", "ubuntu", "centos", "fedora", "opensuse", "archlinux", "alpine",
                        "gentoo", "nixos", "unmanaged"))
                .key("nameserver", CommonRules.hostList(true))
                .key("searchdomain", CommonRules.hostList(false))
                .key("tty", integer(0, 6))
                .key("cmode", oneOf("shell", "console", "tty"));
        for (String k : List.of("unprivileged", "onboot", "protection", "console", "template")) {
            s.key(k, bool());
        }
        if (create) {
            s.key("ostemplate", LxcRules::ostemplate)
                    .key("password", LxcRules::password)
                    .key("ssh-public-keys", LxcRules::sshKeys);
        }
        return s.indexed("mp", MAX_MP, DriveValues::lxcVolume)
                .indexed("net", MAX_NET, NetValues::lxc);
    }

    /** "STORAGE:vztmpl/NAME.tar.(gz|xz|zst)" on a storage of this node. */
    private static String ostemplate(String key, String value, Rule.Context ctx) {
        int colon = value.indexOf(':');
        String storage = colon < 0 ? "" : value.substring(0, colon);
        String volume = value.substring(colon + 1);
        if (colon < 0 || !TEMPLATE.matcher(volume).matches() || volume.contains("..")) {
            throw new BadValue("invalid format - expected STORAGE:vztmpl/NAME.tar.gz|.tar.xz|.tar.zst");
        }
        if (!ctx.limits().storages().contains(storage)) {
            throw new BadValue("storage '" + Values.show(storage) + "' does not exist");
        }
        return value;
    }

    private static String password(String key, String value, Rule.Context ctx) {
        if (value.length() < 5) {
            throw new BadValue("value must be at least 5 characters long");
        }
        if (value.length() > 256) {
            throw new BadValue("value may only be 256 characters long");
        }
        return value;
    }

    /** One public key per line; comments are free text but stay on their line. */
    private static String sshKeys(String key, String value, Rule.Context ctx) {
        if (value.length() > Values.MAX_VALUE_LENGTH * 4) {
            throw new BadValue("value may only be " + Values.MAX_VALUE_LENGTH * 4 + " characters long");
        }
        for (String line : value.split("\r?\n")) {
            if (!line.isBlank() && !CloudInitRules.SSH_KEY.matcher(line.trim()).matches()) {
                throw new BadValue("invalid format - not an SSH public key: '" + Values.show(line) + "'");
            }
        }
        return value;
    }

    /** "nesting=1,keyctl=1,fuse=1,mount=nfs;cifs,mknod=1,force_rw_sys=1". */
    private static String features(String key, String value, Rule.Context ctx) {
        LinkedHashMap<String, String> props = Values.properties(value, null,
                Set.of("nesting", "keyctl", "fuse", "mount", "mknod", "force_rw_sys"));
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : props.entrySet()) {
            try {
                if (e.getKey().equals("mount")) {
                    for (String fs : Values.split(e.getValue(), ';')) {
                        Values.matching(fs, Pattern.compile("[a-z0-9_]{1,32}"));
                    }
                    out.put("mount", e.getValue());
                } else {
                    out.put(e.getKey(), Values.bool(e.getValue()));
                }
            } catch (BadValue b) {
                throw Values.inOption(e.getKey(), b);
            }
        }
        return Values.join(null, out);
    }

    static void crossCheck(GuestConfig cfg, Map<String, String> errors) {
        Map<String, String> mountPaths = new HashMap<>();
        Map<String, String> ifNames = new HashMap<>();
        Map<String, String> macs = new HashMap<>();
        for (DiskEntry d : cfg.disks()) {
            String mp = d.options().get("mp");
            if (mp != null) {
                String normalized = mp.endsWith("/") && mp.length() > 1 ? mp.substring(0, mp.length() - 1) : mp;
                String other = mountPaths.putIfAbsent(normalized, d.key());
                if (other != null) {
                    errors.putIfAbsent(d.key(), "mount point " + mp + " is already used by " + other);
                }
            }
        }
        for (NicEntry n : cfg.nics()) {
            String name = n.options().get("name");
            if (name != null && ifNames.putIfAbsent(name, n.key()) != null) {
                errors.putIfAbsent(n.key(), "interface name " + name + " is already used by " + ifNames.get(name));
            }
            if (n.mac() != null && macs.putIfAbsent(n.mac(), n.key()) != null) {
                errors.putIfAbsent(n.key(), "MAC address " + n.mac() + " is already used by " + macs.get(n.mac()));
            }
        }
    }
}
