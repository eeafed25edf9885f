package org.fabricve.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One disk-like config entry, parsed: a QEMU ide/sata/scsi/virtio drive or an LXC rootfs/mpN volume.
 * storage is null for an empty CD-ROM ("none") or an absolute host path; volume is null for "none" and for
 * a volume still to be allocated ("local:32": sizeGiB 32). options holds every option after the volume,
 * e.g. cache, media, size, mp.
 */
public record DiskEntry(String key, String bus, int index, String storage, String volume, Long sizeGiB,
                        boolean cdrom, boolean cloudinit, Map<String, String> options) {

    private static final Pattern KEY = Pattern.compile("(ide|sata|scsi|virtio|mp)(0|[1-9][0-9]{0,2})|rootfs");
    private static final Pattern SIZE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)([KMGT]?)");

    public DiskEntry {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** True for the keys that hold disks of the given guest type (ide2, scsi0, rootfs, mp3...). */
    public static boolean isDiskKey(GuestType type, String key) {
        Matcher m = KEY.matcher(key);
        if (!m.matches()) {
            return false;
        }
        boolean lxcKey = key.equals("rootfs") || "mp".equals(m.group(1));
        return type == GuestType.LXC ? lxcKey : !lxcKey;
    }

    /** Parses an entry that was validated before; never throws, so a stored config can always be read. */
    public static Optional<DiskEntry> parse(GuestType type, String key, String value) {
        if (!isDiskKey(type, key) || value == null) {
            return Optional.empty();
        }
        Matcher km = KEY.matcher(key);
        km.matches();
        String bus = key.equals("rootfs") ? "rootfs" : km.group(1);
        int index = key.equals("rootfs") ? 0 : Integer.parseInt(km.group(2));
        Map<String, String> all = Values.looseProperties(value, type == GuestType.LXC ? "volume" : "file");
        String file = all.remove(type == GuestType.LXC ? "volume" : "file");
        if (file == null) {
            file = "";
        }
        String storage = null;
        String volume = null;
        Long size = parseSizeGiB(all.get("size"));
        boolean cloudinit = false;
        if (file.equals("none")) {
            // an empty CD-ROM drive
        } else if (file.startsWith("/")) {
            volume = file;
        } else {
            int colon = file.indexOf(':');
            storage = colon < 0 ? file : file.substring(0, colon);
            String rest = colon < 0 ? "" : file.substring(colon + 1);
            if (rest.matches("[0-9]{1,12}")) {
                size = Long.parseLong(rest);
            } else if (!rest.isEmpty()) {
                volume = rest;
                cloudinit = rest.equals("cloudinit") || rest.matches("(.*/)?vm-[0-9]+-cloudinit(\\.[a-z0-9]+)?");
            }
        }
        boolean cdrom = file.equals("none") || "cdrom".equals(all.get("media"));
        return Optional.of(new DiskEntry(key, bus, index, storage, volume, size, cdrom, cloudinit, all));
    }

    /** "32G" -> 32, "512M" -> 1 (rounded up), bare numbers are bytes as in Proxmox; null if absent or odd. */
    static Long parseSizeGiB(String size) {
        if (size == null) {
            return null;
        }
        Matcher m = SIZE.matcher(size);
        if (!m.matches()) {
            return null;
        }
        double v = Double.parseDouble(m.group(1));
        double gib;
        switch (m.group(2)) {
            case "K": gib = v / (1024 * 1024); break;
            case "M": gib = v / 1024; break;
            case "G": gib = v; break;
            case "T": gib = v * 1024; break;
            default: gib = v / (1024.0 * 1024 * 1024);
        }
        return (long) Math.ceil(gib);
    }
}
