package org.fabricve.core.config;

import java.util.regex.Pattern;

/**
 * The "STORAGE:SIZE" / "STORAGE:VOLUME" part of a disk value. Volume names end up in host paths, so the
 * charset is deliberately narrow: nothing may climb out of the storage or inject into a config line.
 */
final class Volumes {

    static final long MAX_SIZE_GIB = 1L << 20; // 1 PiB: anything larger is a typo or an attack

    private static final Pattern STORAGE_ID = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,62}[A-Za-z0-9]");
    private static final Pattern VOLUME_NAME =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,254}(/[A-Za-z0-9][A-Za-z0-9_.+-]{0,254}){0,3}");

    /** A parsed file part; exactly one of volume/sizeGiB is set, unless it is a cloud-init drive. */
    record Spec(String storage, String volume, Long sizeGiB, boolean cloudinit) {
        String render() {
            return storage + ":" + (sizeGiB != null ? sizeGiB.toString() : volume);
        }
    }

    private Volumes() {}

    static Spec parse(String file, Rule.Context ctx, boolean allowCloudinit) {
        if (file == null || file.isEmpty()) {
            throw new BadValue("invalid format - missing volume, expected STORAGE:SIZE or STORAGE:VOLUME");
        }
        if (file.startsWith("/")) {
            throw new BadValue("invalid format - host paths are not allowed, expected STORAGE:SIZE or STORAGE:VOLUME");
        }
        int colon = file.indexOf(':');
        if (colon < 0) {
            throw new BadValue("invalid format - expected STORAGE:SIZE or STORAGE:VOLUME, got '" + Values.show(file) + "'");
        }
        String storage = file.substring(0, colon);
        String rest = file.substring(colon + 1);
        if (!STORAGE_ID.matcher(storage).matches()) {
            throw new BadValue("invalid format - invalid storage ID '" + Values.show(storage) + "'");
        }
        if (!ctx.limits().storages().contains(storage)) {
            throw new BadValue("storage '" + storage + "' does not exist");
        }
        if (rest.matches("[0-9]+")) {
            long size;
            try {
                size = Values.integer(rest, 1, MAX_SIZE_GIB);
            } catch (BadValue e) {
                throw new BadValue("invalid format - size (GiB): " + e.getMessage());
            }
            return new Spec(storage, null, size, false);
        }
        if (rest.equals("cloudinit")) {
            if (!allowCloudinit) {
                throw new BadValue("invalid format - a cloud-init volume is not allowed here");
            }
            return new Spec(storage, "cloudinit", null, true);
        }
        checkVolumeName(rest);
        return new Spec(storage, rest, null, false);
    }

    static void checkVolumeName(String volume) {
        if (volume.contains("..") || !VOLUME_NAME.matcher(volume).matches()) {
            throw new BadValue("invalid format - invalid volume name '" + Values.show(volume) + "'");
        }
    }

    /** Proxmox's disk-size format: a number with an optional K/M/G/T unit (bytes without one). */
    static String size(String value) {
        if (!value.matches("[0-9]{1,15}(\\.[0-9]{1,6})?[KMGT]?")) {
            throw new BadValue("invalid format - size: value does not look like a valid disk size");
        }
        return value;
    }
}
