package org.fabricve.core.config;

import java.util.Optional;

/** Guest ids as Proxmox allows them: 100..999999999 (ids below 100 are reserved). */
public final class Vmids {
    public static final int MIN = 100, MAX = 999_999_999;

    private Vmids() {}

    /** Checks a raw vmid parameter; returns the error message, or empty when it is usable. */
    public static Optional<String> check(String raw) {
        if (raw == null) {
            return Optional.of("property is missing and it is not optional");
        }
        // Digits only: no sign, blanks, hex or leading zeros ("0100" would be a second spelling of 100);
        // at most 10 digits, so parsing cannot overflow.
        if (!raw.matches("0|[1-9][0-9]{0,9}")) {
            return Optional.of("type check ('integer') failed - got '" + Values.show(raw) + "'");
        }
        long v = Long.parseLong(raw);
        if (v < MIN) {
            return Optional.of("value must have a minimum value of " + MIN);
        }
        if (v > MAX) {
            return Optional.of("value must have a maximum value of " + MAX);
        }
        return Optional.empty();
    }

    /** Same check for an already parsed int. */
    public static Optional<String> check(int vmid) {
        if (vmid < MIN) {
            return Optional.of("value must have a minimum value of " + MIN);
        }
        return vmid > MAX ? Optional.of("value must have a maximum value of " + MAX) : Optional.empty();
    }
}
