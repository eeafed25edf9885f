package org.fabricve.node.libvirt.xml;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Where a guest's files live on this host.
 *
 * <p>{@code volumePath} maps (storage, volume) -> absolute path of the volume, e.g. ("local", "iso/debian.iso")
 * -> /var/lib/fabric/storage/local/template/iso/debian.iso. It returns null for a storage this host does not
 * have. Its result must END with the volume name (as every Proxmox storage layout does: dir, LVM /dev/VG/NAME,
 * ZFS /dev/zvol/POOL/NAME); {@link #volume} relies on that to check that the result stays inside the storage.
 * {@link #directories} builds such a function from storage root directories.
 *
 * <p>Files derived from the vmid (never from config text), so they cannot be steered by a config value:
 * <ul>
 *   <li>OVMF variables of a VM without efidisk0: {@code nvramDir/vm-VMID-VARS.fd} ({@link #nvram})</li>
 *   <li>cloud-init ISO: {@code <parent of nvramDir>/cloudinit/vm-VMID-cloudinit.iso} ({@link #cloudInitIso});
 *       whoever generates the ISO writes it there (generation is not part of the XML translation)</li>
 *   <li>serial port N output: {@code serialLogDir/vm-VMID-serialN.log} ({@link #serialLog}), ttyS0 always</li>
 * </ul>
 */
public record HostPaths(BiFunction<String, String, Path> volumePath, Path ovmfCode, Path ovmfVarsTemplate,
                        Path nvramDir, Path serialLogDir) {

    private static final Pattern STORAGE_ID = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,62}[A-Za-z0-9]");

    public HostPaths {
        Objects.requireNonNull(volumePath, "volumePath");
        Objects.requireNonNull(ovmfCode, "ovmfCode");
        Objects.requireNonNull(ovmfVarsTemplate, "ovmfVarsTemplate");
        Objects.requireNonNull(nvramDir, "nvramDir");
        Objects.requireNonNull(serialLogDir, "serialLogDir");
        for (Path p : new Path[] {ovmfCode, ovmfVarsTemplate, nvramDir, serialLogDir}) {
            if (!p.isAbsolute()) {
                throw new IllegalArgumentException("host paths must be absolute: " + p);
            }
        }
        if (nvramDir.normalize().getParent() == null) {
            throw new IllegalArgumentException("nvramDir must not be the root directory");
        }
    }

    /**
     * A volumePath function over storage root directories: the volume is resolved inside its root, and a
     * result that normalizes to a place outside the root is refused (null, i.e. "no such volume").
     */
    public static BiFunction<String, String, Path> directories(Map<String, Path> roots) {
        Map<String, Path> copy = Map.copyOf(roots);
        return (storage, volume) -> {
            Path root = copy.get(storage);
            if (root == null || volume == null) {
                return null;
            }
            Path r = root.toAbsolutePath().normalize();
            Path p = r.resolve(volume).normalize();
            return p.startsWith(r) && !p.equals(r) ? p : null;
        };
    }

    /** OVMF variables file of a VM that has no efidisk0. */
    public Path nvram(int vmid) {
        return nvramDir.normalize().resolve("vm-" + checkVmid(vmid) + "-VARS.fd");
    }

    /** The cloud-init ISO the node generates for a VM with a cloud-init drive. */
    public Path cloudInitIso(int vmid) {
        return nvramDir.normalize().getParent().resolve("cloudinit").resolve("vm-" + checkVmid(vmid) + "-cloudinit.iso");
    }

    /** Where serial port {@code port} (0 = ttyS0) of a VM is logged. */
    public Path serialLog(int vmid, int port) {
        if (port < 0 || port > 3) {
            throw new IllegalArgumentException("serial port out of range (0-3): " + port);
        }
        return serialLogDir.normalize().resolve("vm-" + checkVmid(vmid) + "-serial" + port + ".log");
    }

    /** Where the console of a container is logged. */
    public Path consoleLog(int vmid) {
        return serialLogDir.normalize().resolve("ct-" + checkVmid(vmid) + "-console.log");
    }

    /**
     * The absolute path of a volume named in config key {@code key}, checked to lie inside its storage even if
     * the config validator let something through: the volume name must be relative without '.' or '..'
     * components or control characters, the storage id well-formed and known, and the resolved path must
     * normalize to the storage's directory followed by exactly the volume name.
     *
     * @throws IllegalArgumentException naming {@code key}
     */
    public Path volume(String key, String storage, String volume) {
        if (storage == null || !STORAGE_ID.matcher(storage).matches()) {
            throw new IllegalArgumentException(key + ": invalid storage id '" + Xml.show(storage) + "'");
        }
        if (volume == null || volume.isEmpty()) {
            throw new IllegalArgumentException(key + ": no volume allocated on storage '" + storage + "'");
        }
        Xml.checkPlain(key, volume);
        if (volume.startsWith("/") || volume.contains("\\") || volume.length() > 1024) {
            throw new IllegalArgumentException(key + ": volume '" + Xml.show(volume)
                    + "' must be a relative name inside storage '" + storage + "' (host paths are not allowed)");
        }
        for (String part : volume.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException(key + ": volume '" + Xml.show(volume)
                        + "' must stay inside storage '" + storage + "' (no '.', '..' or empty path components)");
            }
        }
        Path p;
        try {
            p = volumePath.apply(storage, volume);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + ": cannot resolve volume '" + Xml.show(volume) + "' on storage '"
                    + storage + "': " + e.getMessage(), e);
        }
        if (p == null) {
            throw new IllegalArgumentException(key + ": storage '" + storage + "' has no volume '" + Xml.show(volume) + "' on this node");
        }
        Path n = p.normalize();
        Path rel = Path.of(volume);
        if (!p.isAbsolute() || !n.endsWith(rel) || n.getNameCount() <= rel.getNameCount()) {
            throw new IllegalArgumentException(key + ": volume '" + Xml.show(volume) + "' resolves outside storage '"
                    + storage + "'");
        }
        Path root = n.getRoot().resolve(n.subpath(0, n.getNameCount() - rel.getNameCount()));
        if (!n.startsWith(root) || !root.resolve(rel).normalize().equals(n)) {
            throw new IllegalArgumentException(key + ": volume '" + Xml.show(volume) + "' resolves outside storage '"
                    + storage + "'");
        }
        Xml.checkPlain(key, n.toString());
        return n;
    }

    static int checkVmid(int vmid) {
        if (vmid < 100 || vmid > 999_999_999) {
            throw new IllegalArgumentException("vmid out of range (100-999999999): " + vmid);
        }
        return vmid;
    }
}
