package org.fabricve.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/** A node with 8 cpus, 16 GiB and two storages, and short-hands to validate against it. */
final class Fixtures {

    static final NodeLimits NODE = new NodeLimits(8, 16_384, Set.of("local", "local-lvm"));
    static final int VMID = 100;

    private Fixtures() {}

    static Map<String, String> params(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static Validation qemu(String... kv) {
        return GuestConfigValidator.validateCreate(GuestType.QEMU, VMID, params(kv), NODE, new SplittableRandom(7));
    }

    static Validation lxc(String... kv) {
        return GuestConfigValidator.validateCreate(GuestType.LXC, VMID, params(kv), NODE, new SplittableRandom(7));
    }

    static Validation.Valid valid(Validation v) {
        assertThat(v).as("expected a valid config but got %s", v).isInstanceOf(Validation.Valid.class);
        return (Validation.Valid) v;
    }

    static Map<String, String> errors(Validation v) {
        assertThat(v).as("expected errors").isInstanceOf(Validation.Invalid.class);
        return ((Validation.Invalid) v).errors();
    }

    static Validation update(GuestConfig current, Map<String, String> changes, List<String> deletes) {
        return GuestConfigValidator.validateUpdate(current, VMID, changes, deletes, NODE, new SplittableRandom(7));
    }
}
