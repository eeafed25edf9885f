package org.fabricve.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Validation and normalization of netN values for both guest types, and of IP literals. */
final class NetValues {

    static final Pattern BRIDGE = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,14}");
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,14}");
    private static final Pattern TRUNKS = Pattern.compile("[0-9]{1,4}(-[0-9]{1,4})?(;[0-9]{1,4}(-[0-9]{1,4})?)*");
    private static final Pattern IPV4 = Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private NetValues() {}

    /** "virtio[=MAC],bridge=vmbr0,..." (also "model=virtio,macaddr=MAC,...") -> "virtio=MAC,bridge=vmbr0,...". */
    static String qemu(String key, String value, Rule.Context ctx) {
        Set<String> allowed = new java.util.HashSet<>(NicEntry.QEMU_MODELS);
        allowed.addAll(List.of("macaddr", "bridge", "tag", "firewall", "rate", "link_down", "mtu", "queues", "trunks"));
        LinkedHashMap<String, String> props = Values.properties(value, "model", allowed);
        String model = props.remove("model");
        String mac = props.remove("macaddr");
        for (String m : NicEntry.QEMU_MODELS) {
            if (props.containsKey(m)) {
                if (model != null) {
                    throw new BadValue("invalid format - more than one NIC model given");
                }
                model = m;
                String inline = props.remove(m);
                if (!inline.isEmpty()) {
                    if (mac != null) {
                        throw new BadValue("invalid format - MAC address given twice");
                    }
                    mac = inline;
                }
            }
        }
        if (model == null) {
            throw new BadValue("invalid format - model: property is missing and it is not optional");
        }
        try {
            Values.oneOf(model, List.of("virtio", "e1000", "e1000e", "rtl8139", "vmxnet3"));
        } catch (BadValue b) {
            throw Values.inOption("model", b);
        }
        mac = mac == null || mac.isEmpty() ? Macs.generate(ctx.random()) : macOption("macaddr", mac);
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : props.entrySet()) {
            String v = e.getValue();
            try {
                switch (e.getKey()) {
                    case "bridge": v = bridge(v); break;
                    case "tag": v = Long.toString(Values.integer(v, 1, 4094)); break;
                    case "rate": v = Values.number(v, 0, 100_000); break;
                    case "mtu": v = Long.toString(Values.integer(v, 1, 65520)); break;
                    case "queues": v = Long.toString(Values.integer(v, 0, 64)); break;
                    case "trunks": v = Values.matching(v, TRUNKS); break;
                    default: v = Values.bool(v); // firewall, link_down
                }
            } catch (BadValue b) {
                throw Values.inOption(e.getKey(), b);
            }
            options.put(e.getKey(), v);
        }
        if (!options.containsKey("bridge")) {
            throw new BadValue("invalid format - bridge: property is missing and it is not optional");
        }
        return Values.join(model + "=" + mac, options);
    }

    /** "name=eth0,bridge=vmbr0[,hwaddr=..][,ip=..]..." -> normalized, hwaddr filled in, type=veth. */
    static String lxc(String key, String value, Rule.Context ctx) {
        // No default key: Proxmox spells out name=, and a bare word here is more likely a QEMU model by mistake.
        LinkedHashMap<String, String> props = Values.properties(value, null, Set.of(
                "name", "bridge", "hwaddr", "ip", "gw", "ip6", "gw6", "tag", "firewall", "rate", "mtu", "type", "link_down", "trunks"));
        String name = props.remove("name");
        if (name == null) {
            throw new BadValue("invalid format - name: property is missing and it is not optional");
        }
        if (!IFNAME.matcher(name).matches()) {
            throw new BadValue("invalid format - name: value does not match the regex pattern");
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : props.entrySet()) {
            String v = e.getValue();
            try {
                switch (e.getKey()) {
                    case "bridge": v = bridge(v); break;
                    case "hwaddr": v = Macs.normalize(v); break;
                    case "ip":
                        if (!v.equals("dhcp") && !v.equals("manual")) {
                            cidr(v, false);
                        }
                        break;
                    case "ip6":
                        if (!v.equals("dhcp") && !v.equals("manual") && !v.equals("auto")) {
                            cidr(v, true);
                        }
                        break;
                    case "gw": ip(v, false); break;
                    case "gw6": ip(v, true); break;
                    case "tag": v = Long.toString(Values.integer(v, 1, 4094)); break;
                    case "rate": v = Values.number(v, 0, 100_000); break;
                    case "mtu": v = Long.toString(Values.integer(v, 64, 65535)); break;
                    case "type": v = Values.oneOf(v, List.of("veth")); break;
                    case "trunks": v = Values.matching(v, TRUNKS); break;
                    default: v = Values.bool(v); // firewall, link_down
                }
            } catch (BadValue b) {
                throw Values.inOption(e.getKey(), b);
            }
            options.put(e.getKey(), v);
        }
        if (!options.containsKey("bridge")) {
            throw new BadValue("invalid format - bridge: property is missing and it is not optional");
        }
        options.putIfAbsent("hwaddr", Macs.generate(ctx.random()));
        options.putIfAbsent("type", "veth");
        return Values.join("name=" + name, options);
    }

    private static String macOption(String option, String mac) {
        try {
            return Macs.normalize(mac);
        } catch (BadValue b) {
            throw Values.inOption(option, b);
        }
    }

    private static String bridge(String v) {
        if (!BRIDGE.matcher(v).matches()) {
            throw new BadValue("value does not match the regex pattern");
        }
        return v;
    }

    static void cidr(String v, boolean six) {
        int slash = v.indexOf('/');
        if (slash < 0) {
            throw new BadValue("invalid format - value does not look like a valid " + (six ? "IPv6" : "IPv4") + " CIDR");
        }
        ip(v.substring(0, slash), six);
        String prefix = v.substring(slash + 1);
        if (!prefix.matches("[0-9]{1,3}") || Integer.parseInt(prefix) > (six ? 128 : 32)) {
            throw new BadValue("invalid format - value does not look like a valid " + (six ? "IPv6" : "IPv4") + " CIDR");
        }
    }

    static void ip(String v, boolean six) {
        if (!six) {
            Matcher m = IPV4.matcher(v);
            if (m.matches()) {
                boolean ok = true;
                for (int i = 1; i <= 4; i++) {
                    ok &= Integer.parseInt(m.group(i)) <= 255;
                }
                if (ok) {
                    return;
                }
            }
            throw new BadValue("invalid format - value does not look like a valid IPv4 address");
        }
        // Bracketed, InetAddress must parse the literal as IPv6 and never falls back to a DNS lookup.
        if (IPV6_CHARS.matcher(v).matches() && v.contains(":")) {
            try {
                InetAddress.getByName("[" + v + "]");
                return;
            } catch (UnknownHostException | IllegalArgumentException e) {
                // fall through
            }
        }
        throw new BadValue("invalid format - value does not look like a valid IPv6 address");
    }
}
