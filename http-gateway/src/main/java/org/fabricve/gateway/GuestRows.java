package org.fabricve.gateway;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.fabricve.core.guest.GuestState;

/**
 * Listing rows of guests, rendered once per guest state: the read model replaces a guest's state object
 * whenever it changes, so an unchanged object means an unchanged row. Listings of many guests then cost a
 * lookup per guest instead of parsing every config on every request.
 */
final class GuestRows {

    private record Cached(GuestState state, Map<String, Object> row) {}

    private final Function<GuestState, Map<String, Object>> render;
    private final ConcurrentHashMap<Integer, Cached> cache = new ConcurrentHashMap<>();

    GuestRows(Function<GuestState, Map<String, Object>> render) {
        this.render = render;
    }

    Map<String, Object> row(GuestState state) {
        int vmid = state.guest().vmid();
        Cached cached = cache.get(vmid);
        if (cached != null && cached.state() == state) {
            return cached.row();
        }
        Map<String, Object> row = Collections.unmodifiableMap(new LinkedHashMap<>(render.apply(state)));
        cache.put(vmid, new Cached(state, row));
        return row;
    }

    /**
     * The row as a listing shows it while the guest's node is offline: status {@code unknown}, as Proxmox shows
     * the guests of a node it cannot reach (the journal's last word may no longer be true).
     */
    static Map<String, Object> offline(Map<String, Object> row) {
        Map<String, Object> copy = new LinkedHashMap<>(row);
        copy.put("status", "unknown");
        return copy;
    }

    /** Forgets guests that are gone, once the cache has grown well past the live set. */
    void prune(Collection<GuestState> live) {
        if (cache.size() > 2 * live.size() + 64) {
            Set<Integer> present = live.stream().filter(s -> s.guest() != null).map(s -> s.guest().vmid())
                    .collect(Collectors.toSet());
            cache.keySet().retainAll(present);
        }
    }
}
