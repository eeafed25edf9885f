package org.fabricve.gateway.security;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A key, certificate, password or HMAC key file exists but cannot be read or is corrupt, or cannot be
 * written. The message names the file; nothing is regenerated behind the operator's back.
 */
public final class SecurityFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public SecurityFileException(Path file, String problem, Throwable cause) {
        super(Objects.requireNonNull(file, "file") + ": " + problem, cause);
        this.file = file;
    }

    public SecurityFileException(Path file, String problem) {
        this(file, problem, null);
    }

    /** The file the problem is about. */
    public Path file() {
        return file;
    }
}
