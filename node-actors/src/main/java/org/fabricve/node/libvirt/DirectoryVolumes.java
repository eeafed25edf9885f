package org.fabricve.node.libvirt;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import org.fabricve.core.hypervisor.HypervisorException;

/**
 * Container root filesystems as directories inside a dir pool (Proxmox's {@code subvol} volumes): libvirt's
 * storage API cannot create a directory volume nor delete a full one, so the node does it on its own host.
 *
 * <p>Templates are unpacked with GNU tar, as Proxmox's {@code pct create} does: it keeps owners, modes,
 * device nodes, hard links and every compression a template comes in (gzip, xz, zstd), and it refuses member
 * names with {@code ..} and defers symlinks that point outside the target, so an archive cannot write outside
 * the rootfs. Doing that in Java would mean reimplementing all of it.
 */
public final class DirectoryVolumes {

    private static final Duration UNPACK_TIMEOUT = Duration.ofMinutes(10);

    private DirectoryVolumes() {}

    /** The volume's directory inside the pool directory; refuses names that would leave it. */
    public static Path inside(Path poolDir, String volume) {
        Path root = poolDir.toAbsolutePath().normalize();
        Path dir = root.resolve(volume).normalize();
        if (volume.isEmpty() || volume.contains("/") || !dir.getParent().equals(root)) {
            throw new HypervisorException("volume name '" + volume + "' must be a plain name inside " + root);
        }
        return dir;
    }

    /** Creates an empty directory volume; an existing one is an error (the name is taken). */
    public static Path create(Path poolDir, String volume) {
        Path dir = inside(poolDir, volume);
        try {
            return Files.createDirectory(dir);
        } catch (IOException e) {
            throw new HypervisorException("cannot create the directory volume " + dir + ": " + e, e);
        }
    }

    /**
     * Deletes a directory volume and everything in it, without following symlinks out of it and without
     * crossing into other file systems mounted inside it; an absent one is not an error.
     */
    public static void delete(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Object device = Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    if (!device.equals(Files.getAttribute(d, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
                        throw new IOException(d + " is another file system mounted inside the volume; unmount it first");
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    Files.delete(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException failed) throws IOException {
                    if (failed != null) {
                        throw failed;
                    }
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new HypervisorException("cannot delete the directory volume " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Unpacks a template archive into an (empty) directory volume with GNU tar, owners kept as numbers. */
    public static void unpack(Path template, Path dir) {
        if (!Files.isRegularFile(template)) {
            throw new HypervisorException("ostemplate: no template file " + template);
        }
        HostCommand.run(UNPACK_TIMEOUT, "ostemplate: cannot unpack " + template.getFileName(),
                "tar", "--extract", "--same-permissions", "--numeric-owner",
                "--file", template.toString(), "--directory", dir.toString());
    }
}
