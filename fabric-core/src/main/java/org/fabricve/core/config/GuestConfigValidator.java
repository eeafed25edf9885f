package org.fabricve.core.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * Validates create and update requests for guest configs the way Proxmox's API does: every key is checked
 * against its schema and normalized, then the config is checked as a whole (hardware slots for the machine
 * type, node capacity, boot order). All errors are reported at once, keyed by parameter name.
 */
public final class GuestConfigValidator {

    static final String UNKNOWN_KEY = "property is not defined in schema and the schema does not allow additional properties";
    static final String MISSING = "property is missing and it is not optional";

    /** Keys whose free text may span lines; they check their own content. */
    private static final Set<String> MULTILINE = Set.of("description", "ssh-public-keys");

    private GuestConfigValidator() {}

    /** params are only config keys (the HTTP layer strips node, vmid, start, digest, delete...). random is for MAC addresses that are not given. */
    public static Validation validateCreate(GuestType type, int vmid, Map<String, String> params, NodeLimits limits,
                                            RandomGenerator random) {
        Rule.Context ctx = new Rule.Context(type, vmid, limits, random, true);
        SortedMap<String, String> errors = new TreeMap<>();
        Vmids.check(vmid).ifPresent(m -> errors.put("vmid", m));
        Schema schema = schemaFor(type, limits, true);
        params = nullSafe(params);
        TreeMap<String, String> values = new TreeMap<>();
        // Sorted, so that the same request and seed always draw the same MACs.
        new TreeMap<>(params).forEach((k, v) -> normalize(schema, k, v, ctx, errors).ifPresent(n -> values.put(k, n)));
        if (type == GuestType.LXC) {
            if (!params.containsKey("ostemplate")) {
                errors.putIfAbsent("ostemplate", MISSING);
            }
            if (!params.containsKey("rootfs")) {
                // Proxmox's own default is a 4 GiB rootfs on "local"; without such a storage we can't guess.
                if (limits.storages().contains("local")) {
                    values.put("rootfs", "local:4");
                } else {
                    errors.putIfAbsent("rootfs", MISSING + " (no default: node has no storage 'local')");
                }
            }
        }
        GuestConfig config = new GuestConfig(type, values);
        crossCheck(config, ctx, params.keySet(), Set.of(), errors);
        if (!errors.isEmpty()) {
            return new Validation.Invalid(errors);
        }
        for (String k : LxcRules.NOT_STORED) {
            config = type == GuestType.LXC ? config.without(k) : config;
        }
        return new Validation.Valid(config, newVolumes(config));
    }

    /** apply changes then deletes (keys to remove) to current; validate the result as a whole; a key both changed and deleted is an error */
    public static Validation validateUpdate(GuestConfig current, int vmid, Map<String, String> changes,
                                            List<String> deletes, NodeLimits limits, RandomGenerator random) {
        GuestType type = current.type();
        Rule.Context ctx = new Rule.Context(type, vmid, limits, random, false);
        SortedMap<String, String> errors = new TreeMap<>();
        Vmids.check(vmid).ifPresent(m -> errors.put("vmid", m));
        Schema schema = schemaFor(type, limits, false);
        TreeMap<String, String> values = new TreeMap<>(current.values());
        Map<String, String> changed = nullSafe(changes);
        new TreeMap<>(changed).forEach((k, v) -> normalize(schema, k, v, ctx, errors).ifPresent(n -> values.put(k, n)));
        Set<String> deleted = new LinkedHashSet<>();
        for (String k : deletes == null ? List.<String>of() : deletes) {
            if (k == null || k.isEmpty()) {
                continue;
            }
            if (changed.containsKey(k)) {
                errors.put(k, "cannot set and delete the same property in one request");
            } else if (schema.ruleFor(k) == null && !current.values().containsKey(k)) {
                errors.putIfAbsent(k, UNKNOWN_KEY);
            } else if (type == GuestType.LXC && k.equals("rootfs")) {
                errors.putIfAbsent(k, "rootfs cannot be deleted");
            } else {
                deleted.add(k);
                values.remove(k);
            }
        }
        GuestConfig config = new GuestConfig(type, values);
        crossCheck(config, ctx, changed.keySet(), deleted, errors);
        if (!errors.isEmpty()) {
            return new Validation.Invalid(errors);
        }
        return new Validation.Valid(config, newVolumes(config));
    }

    private static Schema schemaFor(GuestType type, NodeLimits limits, boolean create) {
        return type == GuestType.QEMU ? QemuRules.schema(limits) : LxcRules.schema(limits, create);
    }

    /** Checks one key and value; records the error and returns empty when either is bad. */
    private static java.util.Optional<String> normalize(Schema schema, String key, String value, Rule.Context ctx,
                                                       Map<String, String> errors) {
        Rule rule = schema.ruleFor(key);
        if (rule == null) {
            errors.put(Values.show(key), UNKNOWN_KEY);
            return java.util.Optional.empty();
        }
        if (value == null) {
            errors.put(key, MISSING);
            return java.util.Optional.empty();
        }
        try {
            if (!MULTILINE.contains(key)) {
                Values.checkPlain(value);
            }
            return java.util.Optional.of(rule.apply(key, value, ctx));
        } catch (BadValue e) {
            errors.put(key, e.getMessage());
            return java.util.Optional.empty();
        }
    }

    private static void crossCheck(GuestConfig config, Rule.Context ctx, Set<String> changed, Set<String> deleted,
                                   Map<String, String> errors) {
        if (config.type() == GuestType.QEMU) {
            QemuRules.crossCheck(config, ctx, changed, deleted, errors);
        } else {
            LxcRules.crossCheck(config, errors);
        }
    }

    /** Every disk value still in "STORAGE:SIZE" form names a volume that must be allocated. */
    private static List<VolumeRequest> newVolumes(GuestConfig config) {
        List<VolumeRequest> out = new ArrayList<>();
        for (Map.Entry<String, String> e : config.values().entrySet()) {
            String key = e.getKey();
            boolean diskLike = DiskEntry.isDiskKey(config.type(), key)
                    || (config.type() == GuestType.QEMU && (key.equals("efidisk0") || key.equals("tpmstate0")));
            if (!diskLike) {
                continue;
            }
            String file = Values.looseProperties(e.getValue(), "file").get("file");
            int colon = file == null ? -1 : file.indexOf(':');
            if (colon > 0 && file.substring(colon + 1).matches("[0-9]{1,12}")) {
                out.add(new VolumeRequest(key, file.substring(0, colon), Long.parseLong(file.substring(colon + 1))));
            }
        }
        return out;
    }

    private static Map<String, String> nullSafe(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }
}
