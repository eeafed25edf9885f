package org.fabricve.node;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;

/**
 * Where a guest shard may live: not on a member that hosts one of its guests, when another member can take it.
 * A member's death then never takes the entity of a guest it ran along with the guest, and the HA recovery of
 * that guest does not wait for the shard to be re-homed. Pure functions over regions of any type {@code R}.
 */
final class AwayFromHost {

    private AwayFromHost() {
    }

    /**
     * The regions {@code shard} may go to: those on members that host none of its guests; every region if each
     * one hosts some.
     */
    static <R> Set<R> allowed(String shard, Map<R, Address> memberOf, Map<Address, Set<String>> hosted) {
        Set<R> out = new LinkedHashSet<>();
        memberOf.forEach((region, member) -> {
            if (!hosts(hosted, member, shard)) out.add(region);
        });
        return out.isEmpty() ? memberOf.keySet() : out;
    }

    /**
     * Shards held by a region whose member hosts one of their guests while another region's member hosts none,
     * at most {@code limit}, leaving out the {@code excluded} ones (already moving, placed too recently).
     */
    static <R> List<String> misplaced(Map<R, ? extends Iterable<String>> allocations, Map<R, Address> memberOf,
                                      Map<Address, Set<String>> hosted, Set<String> excluded, int limit) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<R, ? extends Iterable<String>> e : allocations.entrySet()) {
            Address member = memberOf.get(e.getKey());
            for (String shard : e.getValue()) {
                if (out.size() >= limit) return out;
                if (excluded.contains(shard) || !hosts(hosted, member, shard)) continue;
                boolean elsewhere = memberOf.values().stream().anyMatch(m -> !hosts(hosted, m, shard));
                if (elsewhere) out.add(shard);
            }
        }
        return out;
    }

    private static boolean hosts(Map<Address, Set<String>> hosted, Address member, String shard) {
        Set<String> shards = member == null ? null : hosted.get(member);
        return shards != null && shards.contains(shard);
    }
}
