package org.fabricve.loadtest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where the {@code scale} scenario puts its guests: round-robin over the first M nodes the target reports. */
final class Placement {

    private static final Pattern SUFFIX = Pattern.compile("^(.+)-(\\d+)$");

    private Placement() {}

    /**
     * The hosts to use: the target's nodes in natural order (NODE, NODE-2 .. NODE-10, not NODE-10 before
     * NODE-2), the first {@code hosts} of them (all of them when fewer, or when {@code hosts} <= 0).
     */
    static List<String> hosts(List<String> reported, int hosts) {
        List<String> sorted = new ArrayList<>(reported);
        sorted.sort(NATURAL);
        return hosts <= 0 || hosts >= sorted.size() ? sorted : List.copyOf(sorted.subList(0, hosts));
    }

    /** Guest i (0-based) goes to {@code hosts[i mod M]}. */
    static List<String> roundRobin(List<String> hosts, int guests) {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("no hosts to place guests on");
        }
        List<String> out = new ArrayList<>(guests);
        for (int i = 0; i < guests; i++) {
            out.add(hosts.get(i % hosts.size()));
        }
        return out;
    }

    /** Guests per host, in the hosts' order. */
    static Map<String, Integer> counts(List<String> placement) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String h : placement) {
            out.merge(h, 1, Integer::sum);
        }
        return out;
    }

    /**
     * Simulated hosts are NODE, NODE-2 .. NODE-N: a name "X-N" sorts as (X, N), any other name as (name, 1),
     * so NODE comes first and NODE-10 after NODE-9.
     */
    static final Comparator<String> NATURAL = Comparator.comparing((String n) -> key(n).prefix())
            .thenComparingLong(n -> key(n).number()).thenComparing(Comparator.naturalOrder());

    private record Key(String prefix, long number) {}

    private static Key key(String name) {
        Matcher m = SUFFIX.matcher(name);
        if (m.matches() && m.group(2).length() < 18) {
            return new Key(m.group(1), Long.parseLong(m.group(2)));
        }
        return new Key(name, 1);
    }
}
