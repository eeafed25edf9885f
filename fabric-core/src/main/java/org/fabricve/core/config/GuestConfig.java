package org.fabricve.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A guest's configuration as Proxmox stores it: config key to value, values in their normalized form.
 * Immutable; the typed accessors parse on demand so the map stays the single source of truth.
 * Construction does not validate: {@link GuestConfigValidator} is the way in for user input.
 */
public record GuestConfig(GuestType type, SortedMap<String, String> values) {

    static final long DEFAULT_MEMORY_MIB = 512;

    private static final Pattern VOLUME_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]*(/[A-Za-z0-9][A-Za-z0-9_.+-]*)*");

    public GuestConfig {
        Objects.requireNonNull(type, "type");
        TreeMap<String, String> copy = new TreeMap<>();
        values.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, () -> "value of " + k)));
        values = Collections.unmodifiableSortedMap(copy);
    }

    public static GuestConfig empty(GuestType type) {
        return new GuestConfig(type, new TreeMap<>());
    }

    /** From any map, e.g. a stored snapshot; not validated. */
    public static GuestConfig of(GuestType type, Map<String, String> values) {
        return new GuestConfig(type, new TreeMap<>(values));
    }

    public String get(String key) {
        return values.get(key);
    }

    public long memoryMiB() {
        // "memory" may also be written as a property string "current=2048" (newer Proxmox).
        String raw = values.get("memory");
        String current = raw == null ? null : Values.looseProperties(raw, "current").get("current");
        return parseLong(current, DEFAULT_MEMORY_MIB);
    }

    public int vcpus() {
        int cores = (int) parseLong(values.get("cores"), 1);
        if (type == GuestType.LXC) {
            return cores;
        }
        return (int) parseLong(values.get("sockets"), 1) * cores;
    }

    public String name() {
        return values.get(type == GuestType.QEMU ? "name" : "hostname");
    }

    public List<DiskEntry> disks() {
        List<DiskEntry> out = new ArrayList<>();
        values.forEach((k, v) -> DiskEntry.parse(type, k, v).ifPresent(out::add));
        // By key as the contract says, with slots in numeric order within a bus (scsi2 before scsi10).
        out.sort(Comparator.comparing(DiskEntry::bus).thenComparingInt(DiskEntry::index));
        return List.copyOf(out);
    }

    public List<NicEntry> nics() {
        List<NicEntry> out = new ArrayList<>();
        values.forEach((k, v) -> NicEntry.parse(type, k, v).ifPresent(out::add));
        out.sort(Comparator.comparingInt(NicEntry::index));
        return List.copyOf(out);
    }

    public GuestConfig with(String key, String value) {
        TreeMap<String, String> copy = new TreeMap<>(values);
        copy.put(key, value);
        return new GuestConfig(type, copy);
    }

    public GuestConfig without(String key) {
        if (!values.containsKey(key)) {
            return this;
        }
        TreeMap<String, String> copy = new TreeMap<>(values);
        copy.remove(key);
        return new GuestConfig(type, copy);
    }

    /**
     * rewrites the value of a disk key after its new volume was allocated: "local:32,cache=writeback" ->
     * "local:vm-100-disk-0,cache=writeback,size=32G" (keep other options, set size)
     */
    public GuestConfig withAllocatedVolume(String key, String storage, String volumeName, long sizeGiB) {
        String current = values.get(key);
        if (current == null) {
            throw new IllegalArgumentException("no such key: " + key);
        }
        // The names come from our own storage layer, but they end up in this config verbatim: stay strict.
        if (!storage.matches("[A-Za-z][A-Za-z0-9._-]*[A-Za-z0-9]") || !VOLUME_NAME.matcher(volumeName).matches()
                || volumeName.contains("..")) {
            throw new IllegalArgumentException("unsafe storage or volume name: " + storage + ":" + volumeName);
        }
        if (sizeGiB <= 0) {
            throw new IllegalArgumentException("size must be positive: " + sizeGiB);
        }
        String first = type == GuestType.LXC ? "volume" : "file";
        Map<String, String> options = new LinkedHashMap<>(Values.looseProperties(current, first));
        options.remove(first);
        options.put("size", sizeGiB + "G");
        return with(key, Values.join(storage + ":" + volumeName, options));
    }

    private static long parseLong(String raw, long fallback) {
        if (raw == null) {
            return fallback;
        }
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
