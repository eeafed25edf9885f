package org.fabricve.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Rules shared by QEMU and LXC keys. */
final class CommonRules {

    static final int MAX_DESCRIPTION = 8192;
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_+.-]{0,63}");

    private CommonRules() {}

    static Rule bool() {
        return (k, v, c) -> Values.bool(v);
    }

    static Rule integer(long min, long max) {
        return (k, v, c) -> Long.toString(Values.integer(v, min, max));
    }

    static Rule oneOf(String... allowed) {
        List<String> list = List.of(allowed);
        return (k, v, c) -> Values.oneOf(v, list);
    }

    /** "tag1;tag2" (also "," or " " as separators, as Proxmox accepts); stored ';'-joined, duplicates dropped. */
    static String tags(String key, String value, Rule.Context ctx) {
        Set<String> tags = new LinkedHashSet<>();
        for (String t : value.split("[;, ]+")) {
            if (t.isEmpty()) {
                continue;
            }
            if (!TAG.matcher(t).matches()) {
                throw new BadValue("invalid format - invalid tag '" + Values.show(t) + "'");
            }
            tags.add(t);
        }
        return String.join(";", tags);
    }

    /**
     * Free text shown in the UI (Markdown). It may hold angle brackets and quotes since it is always escaped
     * on output, but no control characters besides line breaks and tabs.
     */
    static String description(String key, String value, Rule.Context ctx) {
        if (value.length() > MAX_DESCRIPTION) {
            throw new BadValue("value may only be " + MAX_DESCRIPTION + " characters long");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
                throw new BadValue("value must not contain control characters");
            }
        }
        return value;
    }

    /** "[order=]N[,up=N][,down=N]". */
    static String startup(String key, String value, Rule.Context ctx) {
        LinkedHashMap<String, String> props = Values.properties(value, "order", Set.of("up", "down"));
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : props.entrySet()) {
            try {
                out.put(e.getKey(), Long.toString(Values.integer(e.getValue(), 0, 1_000_000)));
            } catch (BadValue b) {
                throw Values.inOption(e.getKey(), b);
            }
        }
        String order = out.remove("order");
        return Values.join(order == null ? null : "order=" + order, out);
    }

    /** A list of DNS names or IPs separated by blanks (nameserver, searchdomain). */
    static Rule hostList(boolean ips) {
        return (k, v, c) -> {
            List<String> out = new ArrayList<>();
            for (String item : v.trim().split("[ ,;]+")) {
                if (item.isEmpty()) {
                    continue;
                }
                if (ips) {
                    NetValues.ip(item, item.contains(":"));
                } else {
                    Values.dnsName(item, 253);
                }
                out.add(item);
            }
            if (out.isEmpty()) {
                throw new BadValue("value must not be empty");
            }
            return String.join(" ", out);
        };
    }
}
