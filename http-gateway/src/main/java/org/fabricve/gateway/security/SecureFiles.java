package org.fabricve.gateway.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * File helpers for secrets and key material: atomic writes (temporary file in the same directory,
 * fsync, atomic rename) with the POSIX permissions set when the temporary file is created, that is
 * before a single byte of content is written.
 *
 * <p>On file systems without POSIX permissions (not a supported deployment) the permissions are
 * skipped and the write is still atomic.
 */
public final class SecureFiles {

    /** {@code rw-------}: private keys, passwords, HMAC keys. */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** {@code rw-r--r--}: public material such as certificates. */
    public static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");
    /** {@code rwx------}: directories that hold secrets. */
    public static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private SecureFiles() {
    }

    /**
     * Writes {@code content} to {@code target} atomically with the given permissions. An existing file
     * at {@code target} is replaced. The parent directory must exist.
     */
    public static void writeAtomically(Path target, byte[] content, Set<PosixFilePermission> permissions)
            throws IOException {
        write(target, content, permissions, true);
    }

    /**
     * Writes {@code content} to {@code target} atomically only if no file exists there yet (the final
     * step is a hard link, which fails rather than replace a file another process created meanwhile).
     *
     * @throws FileAlreadyExistsException if {@code target} exists
     */
    public static void createAtomically(Path target, byte[] content, Set<PosixFilePermission> permissions)
            throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        write(target, content, permissions, false);
    }

    private static void write(Path target, byte[] content, Set<PosixFilePermission> permissions, boolean replace)
            throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        boolean posix = supportsPosix(dir);
        String prefix = "." + target.getFileName() + ".";
        // The temporary file is created with its final mode: a secret is never readable by others.
        Path tmp = posix
                ? Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(permissions))
                : Files.createTempFile(dir, prefix, ".tmp");
        try {
            if (posix) {
                // The umask may have removed bits from the requested mode: set it exactly.
                Files.setPosixFilePermissions(tmp, permissions);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (replace) {
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } else {
                try {
                    Files.createLink(target, tmp);
                } catch (UnsupportedOperationException e) {
                    Files.move(tmp, target);
                }
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Best effort: make the rename durable (works on Linux, not everywhere). */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException ignored) {
            // not supported on this platform or file system
        }
    }

    /** Creates {@code dir} (and its parents) if missing; a newly created leaf gets the given mode. */
    public static Path ensureDirectory(Path dir, Set<PosixFilePermission> permissions) {
        try {
            if (Files.isDirectory(dir)) {
                return dir;
            }
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            boolean posix = supportsPosix(parent);
            FileAttribute<?>[] attrs = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                    : new FileAttribute<?>[0];
            try {
                Files.createDirectory(dir, attrs);
                if (posix) {
                    Files.setPosixFilePermissions(dir, permissions);
                }
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(dir)) {
                    throw e;
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The POSIX permissions of {@code file}, or an empty optional on non-POSIX file systems. */
    public static java.util.Optional<Set<PosixFilePermission>> permissions(Path file) throws IOException {
        if (!supportsPosix(file.toAbsolutePath().getParent())) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Files.getPosixFilePermissions(file));
    }

    private static boolean supportsPosix(Path dir) {
        return dir != null && dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
