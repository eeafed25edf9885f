package org.fabricve.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One netN entry, parsed. QEMU: "virtio=BC:24:11:..,bridge=vmbr0,tag=10"; LXC:
 * "name=eth0,bridge=vmbr0,hwaddr=..,type=veth" (model is then "veth"). vlanTag 0 means untagged.
 * options holds every option except the QEMU model/MAC pair (so bridge, tag... and for LXC name, hwaddr, ip).
 */
public record NicEntry(String key, int index, String model, String mac, String bridge, int vlanTag,
                       Map<String, String> options) {

    static final Set<String> QEMU_MODELS = Set.of("virtio", "e1000", "e1000e", "rtl8139", "vmxnet3");

    public NicEntry {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** Parses an entry that was validated before; never throws, so a stored config can always be read. */
    public static Optional<NicEntry> parse(GuestType type, String key, String value) {
        if (value == null || !key.matches("net(0|[1-9][0-9]?)")) {
            return Optional.empty();
        }
        int index = Integer.parseInt(key.substring(3));
        Map<String, String> all = Values.looseProperties(value, type == GuestType.LXC ? "name" : "model");
        String model;
        String mac;
        if (type == GuestType.LXC) {
            model = "veth";
            mac = all.get("hwaddr");
        } else {
            model = all.remove("model");
            mac = all.remove("macaddr");
            for (String m : QEMU_MODELS) {
                if (all.containsKey(m)) {
                    model = m;
                    mac = all.remove(m);
                    break;
                }
            }
        }
        int tag = 0;
        String rawTag = all.get("tag");
        if (rawTag != null && rawTag.matches("[0-9]{1,4}")) {
            tag = Integer.parseInt(rawTag);
        }
        return Optional.of(new NicEntry(key, index, model, mac, all.get("bridge"), tag, all));
    }
}
