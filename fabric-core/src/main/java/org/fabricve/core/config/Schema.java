package org.fabricve.core.config;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keys a guest type accepts and the rule for each. Indexed keys (scsi0..scsi30) carry the largest
 * index any machine allows; limits that depend on other keys (arch, machine, ostype) are cross-checks.
 */
final class Schema {

    private static final Pattern INDEXED = Pattern.compile("([a-z]+)(0|[1-9][0-9]{0,3})");

    private final Map<String, Rule> exact = new HashMap<>();
    private final Map<String, Indexed> indexed = new LinkedHashMap<>();

    private record Indexed(int max, Rule rule) {}

    Schema key(String key, Rule rule) {
        exact.put(key, rule);
        return this;
    }

    /** prefix0..prefix{max}, e.g. indexed("scsi", 30, ...). */
    Schema indexed(String prefix, int max, Rule rule) {
        indexed.put(prefix, new Indexed(max, rule));
        return this;
    }

    /** The rule for a key, or null if the key is not in this schema (including out-of-range indexes). */
    Rule ruleFor(String key) {
        Rule r = exact.get(key);
        if (r != null) {
            return r;
        }
        Matcher m = INDEXED.matcher(key);
        if (!m.matches()) {
            return null;
        }
        Indexed ix = indexed.get(m.group(1));
        return ix != null && Integer.parseInt(m.group(2)) <= ix.max() ? ix.rule() : null;
    }

    /** For keys like "ide2": the prefix and index; null otherwise. */
    static Slot slot(String key) {
        Matcher m = INDEXED.matcher(key);
        return m.matches() ? new Slot(m.group(1), Integer.parseInt(m.group(2))) : null;
    }

    record Slot(String prefix, int index) {}
}
