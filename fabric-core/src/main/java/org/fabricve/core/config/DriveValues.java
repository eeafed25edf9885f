package org.fabricve.core.config;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Validation and normalization of disk values: QEMU drives, efidisk0/tpmstate0, LXC rootfs/mpN. */
final class DriveValues {

    private static final Set<String> QEMU_COMMON = Set.of(
            "media", "cache", "discard", "size", "format", "backup", "replicate", "serial", "aio", "snapshot");
    private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9_.-]{1,20}");
    private static final Pattern MOUNT_PATH = Pattern.compile("/[A-Za-z0-9_.@+-]*(/[A-Za-z0-9_.@+-]+)*/?");

    private DriveValues() {}

    /** ideN, sataN, scsiN, virtioN. */
    static String qemuDrive(String key, String value, Rule.Context ctx) {
        String bus = key.replaceAll("[0-9]+$", "");
        Set<String> allowed = new HashSet<>(QEMU_COMMON);
        switch (bus) {
            case "ide": case "sata": allowed.add("ssd"); break;
            case "scsi": allowed.addAll(List.of("ssd", "iothread", "ro")); break;
            default: allowed.addAll(List.of("iothread", "ro")); // virtio-blk has no ssd emulation
        }
        LinkedHashMap<String, String> props = Values.properties(value, "file", allowed);
        String file = props.remove("file");
        Map<String, String> options = normalizeOptions(props);
        boolean cdrom = "cdrom".equals(options.get("media"));
        String renderedFile;
        if ("none".equals(file)) {
            if ("disk".equals(options.get("media"))) {
                throw new BadValue("invalid format - 'none' is only allowed for CD-ROM drives");
            }
            options.put("media", "cdrom");
            cdrom = true;
            renderedFile = "none";
        } else {
            Volumes.Spec spec = Volumes.parse(file, ctx, true);
            if (spec.cloudinit()) {
                if ("disk".equals(options.get("media"))) {
                    throw new BadValue("invalid format - a cloud-init drive is always media=cdrom");
                }
                options.put("media", "cdrom"); // Proxmox presents cloud-init data as a CD-ROM
                cdrom = true;
            } else if (cdrom && spec.sizeGiB() != null) {
                throw new BadValue("invalid format - a CD-ROM cannot have a new volume allocated, use STORAGE:VOLUME or none");
            }
            renderedFile = spec.render();
        }
        if (cdrom && bus.equals("virtio")) {
            throw new BadValue("invalid format - virtio does not support CD-ROM or cloud-init drives");
        }
        return Values.join(renderedFile, options);
    }

    /** efidisk0: OVMF variables store. */
    static String efidisk(String key, String value, Rule.Context ctx) {
        LinkedHashMap<String, String> props = Values.properties(value, "file",
                Set.of("efitype", "pre-enrolled-keys", "format", "size", "ms-cert"));
        String file = props.remove("file");
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : props.entrySet()) {
            String v = e.getValue();
            try {
                switch (e.getKey()) {
                    case "efitype": v = Values.oneOf(v, List.of("2m", "4m")); break;
                    case "pre-enrolled-keys": v = Values.bool(v); break;
                    case "format": v = Values.oneOf(v, List.of("raw", "qcow2", "vmdk")); break;
                    case "size": v = Volumes.size(v); break;
                    default: v = Values.oneOf(v, List.of("2011", "2023"));
                }
            } catch (BadValue b) {
                throw Values.inOption(e.getKey(), b);
            }
            options.put(e.getKey(), v);
        }
        return Values.join(Volumes.parse(file, ctx, false).render(), options);
    }

    /** tpmstate0: the TPM's persistent state. */
    static String tpmstate(String key, String value, Rule.Context ctx) {
        LinkedHashMap<String, String> props = Values.properties(value, "file", Set.of("version", "size"));
        String file = props.remove("file");
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : props.entrySet()) {
            try {
                options.put(e.getKey(), e.getKey().equals("version")
                        ? Values.oneOf(e.getValue(), List.of("v1.2", "v2.0")) : Volumes.size(e.getValue()));
            } catch (BadValue b) {
                throw Values.inOption(e.getKey(), b);
            }
        }
        return Values.join(Volumes.parse(file, ctx, false).render(), options);
    }

    /** rootfs and mpN of a container; mount points need an absolute, non-escaping mp=PATH. */
    static String lxcVolume(String key, String value, Rule.Context ctx) {
        boolean mountPoint = !key.equals("rootfs");
        Set<String> allowed = new HashSet<>(Set.of("size", "acl", "quota", "ro", "backup", "replicate", "shared", "mountoptions"));
        if (mountPoint) {
            allowed.add("mp");
        }
        LinkedHashMap<String, String> props = Values.properties(value, "volume", allowed);
        String volume = props.remove("volume");
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : props.entrySet()) {
            String v = e.getValue();
            try {
                switch (e.getKey()) {
                    case "size": v = Volumes.size(v); break;
                    case "mountoptions":
                        for (String o : Values.split(v, ';')) {
                            Values.oneOf(o, List.of("discard", "lazytime", "noatime", "nodev", "noexec", "nosuid"));
                        }
                        break;
                    case "mp": v = mountPath(v); break;
                    default: v = Values.bool(v);
                }
            } catch (BadValue b) {
                throw Values.inOption(e.getKey(), b);
            }
            options.put(e.getKey(), v);
        }
        if (mountPoint && !options.containsKey("mp")) {
            throw new BadValue("invalid format - mp: property is missing and it is not optional");
        }
        return Values.join(Volumes.parse(volume, ctx, false).render(), options);
    }

    static String mountPath(String path) {
        if (path.length() > 255 || !MOUNT_PATH.matcher(path).matches()) {
            throw new BadValue("value must be an absolute path without special characters");
        }
        for (String part : path.split("/")) {
            if (part.equals("..") || part.equals(".")) {
                throw new BadValue("value must not contain '.' or '..' path components");
            }
        }
        if (path.equals("/")) {
            throw new BadValue("value must not be the root directory; that is rootfs");
        }
        return path;
    }

    private static Map<String, String> normalizeOptions(Map<String, String> props) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : props.entrySet()) {
            String v = e.getValue();
            try {
                switch (e.getKey()) {
                    case "media": v = Values.oneOf(v, List.of("cdrom", "disk")); break;
                    case "cache": v = Values.oneOf(v, List.of("none", "writethrough", "writeback", "directsync", "unsafe")); break;
                    case "discard": v = Values.oneOf(v, List.of("on", "ignore")); break;
                    case "size": v = Volumes.size(v); break;
                    case "format": v = Values.oneOf(v, List.of("raw", "qcow2", "vmdk")); break;
                    case "aio": v = Values.oneOf(v, List.of("native", "threads", "io_uring")); break;
                    case "serial": v = Values.matching(v, SERIAL); break;
                    default: v = Values.bool(v); // backup, replicate, snapshot, iothread, ssd, ro
                }
            } catch (BadValue b) {
                throw Values.inOption(e.getKey(), b);
            }
            out.put(e.getKey(), v);
        }
        return out;
    }
}
