package org.fabricve.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Scalar and property-string parsing with Proxmox-style error messages. */
final class Values {

    static final int MAX_VALUE_LENGTH = 4096;

    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
    private static final Pattern DNS_NAME = Pattern.compile(
            "([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?\\.)*[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?");

    private Values() {}

    /** A value quoted back in an error message: short, and without anything that could break a log line. */
    static String show(String raw) {
        String s = raw.length() > 40 ? raw.substring(0, 40) + "..." : raw;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }

    /** Rejects values no key accepts: over-long, or with control characters (newlines smuggle config lines). */
    static void checkPlain(String value) {
        if (value.length() > MAX_VALUE_LENGTH) {
            throw new BadValue("value may only be " + MAX_VALUE_LENGTH + " characters long");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new BadValue("value must not contain control characters");
            }
        }
    }

    static long integer(String value, long min, long max) {
        // Proxmox's integer type: optional minus, digits; no '+', blanks, hex or exponent.
        if (!INTEGER.matcher(value).matches() || value.length() > 19) {
            throw new BadValue("type check ('integer') failed - got '" + show(value) + "'");
        }
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException overflow) {
            throw new BadValue("type check ('integer') failed - got '" + show(value) + "'");
        }
        return range(v, min, max);
    }

    static int intValue(String value, int min, int max) {
        return (int) integer(value, min, max);
    }

    static long range(long v, long min, long max) {
        if (v < min) {
            throw new BadValue("value must have a minimum value of " + min);
        }
        if (v > max) {
            throw new BadValue("value must have a maximum value of " + max);
        }
        return v;
    }

    /** Non-negative decimal numbers (cpulimit, rate); returns the value as written, after the range check. */
    static String number(String value, double min, double max) {
        if (!NUMBER.matcher(value).matches() || value.length() > 20) {
            throw new BadValue("type check ('number') failed - got '" + show(value) + "'");
        }
        double v = Double.parseDouble(value);
        if (v < min) {
            throw new BadValue("value must have a minimum value of " + fmt(min));
        }
        if (v > max) {
            throw new BadValue("value must have a maximum value of " + fmt(max));
        }
        return value;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** Booleans are stored as 1/0; input also accepts the spellings Proxmox's JSON schema accepts. */
    static String bool(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "1": case "true": case "yes": case "on":
                return "1";
            case "0": case "false": case "no": case "off":
                return "0";
            default:
                throw new BadValue("type check ('boolean') failed - got '" + show(value) + "'");
        }
    }

    static String oneOf(String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            throw new BadValue("value '" + show(value) + "' does not have a value in the enumeration '"
                    + String.join(", ", allowed) + "'");
        }
        return value;
    }

    static String dnsName(String value, int maxLength) {
        if (value.length() > maxLength) {
            throw new BadValue("value may only be " + maxLength + " characters long");
        }
        if (!DNS_NAME.matcher(value).matches()) {
            throw new BadValue("invalid format - value does not look like a valid DNS name");
        }
        return value;
    }

    static String matching(String value, Pattern pattern) {
        if (!pattern.matcher(value).matches()) {
            throw new BadValue("value does not match the regex pattern");
        }
        return value;
    }

    /**
     * Splits a Proxmox property string ("local:32,cache=writeback") into key/value pairs in order; a leading
     * element without '=' belongs to defaultKey. Only keys in allowed (plus defaultKey) are accepted.
     */
    static LinkedHashMap<String, String> properties(String value, String defaultKey, Set<String> allowed) {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        if (value.isEmpty()) {
            return out;
        }
        List<String> parts = split(value, ',');
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            int eq = part.indexOf('=');
            String k;
            String v;
            if (eq < 0) {
                if (i != 0 || defaultKey == null) {
                    throw new BadValue("invalid format - value without key, but schema does not define a default key");
                }
                k = defaultKey;
                v = part;
            } else {
                k = part.substring(0, eq);
                v = part.substring(eq + 1);
            }
            if (!k.equals(defaultKey) && !allowed.contains(k)) {
                throw new BadValue("invalid format - property '" + show(k) + "' is not defined in schema");
            }
            if (out.putIfAbsent(k, v) != null) {
                throw new BadValue("invalid format - duplicate key in comma-separated list property: " + show(k));
            }
        }
        return out;
    }

    /** Splits without dropping empty trailing parts, so "a,,b" and "a," are seen as malformed. */
    static List<String> split(String value, char sep) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= value.length(); i++) {
            if (i == value.length() || value.charAt(i) == sep) {
                String part = value.substring(start, i);
                if (part.isEmpty()) {
                    throw new BadValue("invalid format - empty element in list");
                }
                parts.add(part);
                start = i + 1;
            }
        }
        return parts;
    }

    /** Lenient split for parsing values that were already validated (never throws). */
    static Map<String, String> looseProperties(String value, String defaultKey) {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        boolean first = true;
        for (String part : value.split(",")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                if (first && defaultKey != null) {
                    out.putIfAbsent(defaultKey, part);
                }
            } else {
                out.putIfAbsent(part.substring(0, eq), part.substring(eq + 1));
            }
            first = false;
        }
        return out;
    }

    /** Wraps a sub-option error so the message says which option was wrong. */
    static BadValue inOption(String option, BadValue e) {
        return new BadValue("invalid format - " + option + ": " + e.getMessage());
    }

    /** Joins the first entry and the sorted rest back into a canonical property string. */
    static String join(String first, Map<String, String> rest) {
        StringBuilder b = new StringBuilder(first == null ? "" : first);
        rest.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(e.getKey()).append('=').append(e.getValue());
        });
        return b.toString();
    }
}
