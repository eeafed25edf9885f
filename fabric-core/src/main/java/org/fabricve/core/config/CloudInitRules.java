package org.fabricve.core.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * QEMU cloud-init keys, which automation (Terraform, Ansible) sends alongside the hardware. cipassword is
 * deliberately absent: Proxmox stores it hashed, and a plain password must not land in the event log.
 */
final class CloudInitRules {

    static final int MAX_IPCONFIG = 31;

    private static final Pattern USER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,31}");
    /** Proxmox's API wants sshkeys percent-encoded, so the raw value is a narrow, single-line charset. */
    private static final Pattern URL_ENCODED = Pattern.compile("[A-Za-z0-9%._~-]*");

    static final Pattern SSH_KEY = Pattern.compile(
            "(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\\.com)"
                    + " [A-Za-z0-9+/]+={0,3}( [\\x20-\\x7e]{0,200})?");

    private CloudInitRules() {}

    static void addTo(Schema s) {
        s.key("ciuser", (k, v, c) -> Values.matching(v, USER))
                .key("citype", CommonRules.oneOf("configdrive2", "nocloud", "opennebula"))
                .key("ciupgrade", CommonRules.bool())
                .key("nameserver", CommonRules.hostList(true))
                .key("searchdomain", CommonRules.hostList(false))
                .key("sshkeys", CloudInitRules::sshkeys)
                .indexed("ipconfig", MAX_IPCONFIG, CloudInitRules::ipconfig);
    }

    /** "ip=dhcp|CIDR[,gw=IP][,ip6=auto|dhcp|CIDR][,gw6=IP]". */
    private static String ipconfig(String key, String value, Rule.Context ctx) {
        LinkedHashMap<String, String> props = Values.properties(value, null, Set.of("ip", "gw", "ip6", "gw6"));
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : props.entrySet()) {
            String v = e.getValue();
            try {
                switch (e.getKey()) {
                    case "ip":
                        if (!v.equals("dhcp")) {
                            NetValues.cidr(v, false);
                        }
                        break;
                    case "ip6":
                        if (!v.equals("dhcp") && !v.equals("auto")) {
                            NetValues.cidr(v, true);
                        }
                        break;
                    case "gw": NetValues.ip(v, false); break;
                    default: NetValues.ip(v, true);
                }
            } catch (BadValue b) {
                throw Values.inOption(e.getKey(), b);
            }
            out.put(e.getKey(), v);
        }
        return Values.join(null, out);
    }

    private static String sshkeys(String key, String value, Rule.Context ctx) {
        if (!URL_ENCODED.matcher(value).matches()) {
            throw new BadValue("invalid format - value must be percent-encoded (URL encoding)");
        }
        String decoded = percentDecode(value);
        for (String line : decoded.split("\r?\n")) {
            if (!line.isBlank() && !SSH_KEY.matcher(line.trim()).matches()) {
                throw new BadValue("invalid format - not an SSH public key: '" + Values.show(line) + "'");
            }
        }
        return value;
    }

    /** Only %XX escapes: '+' stays '+', since base64 key material is full of them. */
    static String percentDecode(String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 2 >= value.length()) {
                    throw new BadValue("invalid format - truncated percent escape");
                }
                int hi = Character.digit(value.charAt(i + 1), 16);
                int lo = Character.digit(value.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new BadValue("invalid format - bad percent escape");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
