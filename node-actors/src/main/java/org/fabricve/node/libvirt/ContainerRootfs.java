package org.fabricve.node.libvirt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.fabricve.core.hypervisor.HypervisorException;

/**
 * What Proxmox's {@code pct create} does to an unpacked template besides unpacking it: the host name in
 * {@code /etc/hostname}, and for an unprivileged container every owner shifted into its id map.
 *
 * <p>The rootfs comes from an archive anyone may have made: nothing here follows a symlink inside it, so a
 * template whose {@code etc} or {@code etc/hostname} points at the host cannot make the node write there.
 */
public final class ContainerRootfs {

    /** Proxmox's id map of unprivileged containers: ids 0..65535 inside are 100000.. on the host. */
    public static final int ID_MAP_START = 100_000;
    public static final int ID_MAP_COUNT = 65_536;

    private ContainerRootfs() {}

    /** Writes {@code etc/hostname}; replaces a symlink there rather than following it. */
    public static void writeHostname(Path rootfs, String hostname) {
        Path etc = rootfs.resolve("etc");
        try {
            if (Files.isSymbolicLink(etc)) {
                throw new HypervisorException("hostname: the template's /etc is a symlink; not writing through it");
            }
            Files.createDirectories(etc);
            Path file = etc.resolve("hostname");
            Files.deleteIfExists(file); // a symlink itself, not its target
            Files.write(file, (hostname + "\n").getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new HypervisorException("hostname: cannot write /etc/hostname in " + rootfs + ": " + e.getMessage(), e);
        }
    }

    /**
     * Shifts every owner and group of the tree by {@link #ID_MAP_START} (ids beyond the map's count are refused),
     * symlinks included, keeping modes (a chown clears setuid bits); walks without following symlinks.
     */
    public static void shiftOwners(Path rootfs) {
        java.util.Set<Object> done = new java.util.HashSet<>(); // hard links: one inode, shifted once
        try {
            Files.walkFileTree(rootfs, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    shift(d);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    if (attrs.fileKey() == null || done.add(attrs.fileKey())) {
                        shift(f);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | RuntimeException e) {
            throw new HypervisorException("unprivileged: cannot map the owners of " + rootfs + ": " + e.getMessage(), e);
        }
    }

    private static void shift(Path p) throws IOException {
        int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int gid = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        if (uid >= ID_MAP_COUNT || gid >= ID_MAP_COUNT) {
            throw new IOException(p + " is owned by " + uid + ":" + gid + ", outside the container's id map");
        }
        boolean link = Files.isSymbolicLink(p);
        Integer mode = link ? null : (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:uid", ID_MAP_START + uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", ID_MAP_START + gid, LinkOption.NOFOLLOW_LINKS);
        if (mode != null && (mode & 06000) != 0) {
            Files.setAttribute(p, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
        }
    }
}
