package org.fabricve.gateway.security;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Optional;

/**
 * The password of the built-in {@code root@pam} superuser.
 *
 * <p>When a password is given through the environment it is used as is: nothing is written and
 * {@link #generatedNow()} is false. Otherwise the first start generates a random password (24 characters
 * from {@code [A-Za-z0-9]}, about 142 bits, URL-safe), stores it in {@code dataDir/root-password} with mode
 * 0600 and reports {@link #generatedNow()} so the caller can print it once; later starts read that file.
 *
 * <p>The password is never logged and {@link #toString()} does not reveal it. Comparison is constant time
 * (SHA-256 digests of both sides compared with {@link MessageDigest#isEqual}).
 */
public final class RootCredentials {

    /** Name of the password file inside the data directory. */
    public static final String PASSWORD_FILE = "root-password";
    /** The only user these credentials authenticate. */
    public static final String ROOT_USERID = "root@pam";
    /** Length of a generated password. */
    public static final int GENERATED_LENGTH = 24;

    private static final String ROOT_USER = "root";
    private static final String ROOT_REALM = "pam";
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int MAX_PASSWORD_LENGTH = 4096;

    private final Path passwordFile;
    private final byte[] passwordDigest;
    private final boolean generatedNow;
    private final boolean fromEnvironment;
    /** Held only when generated now, so the caller can print it once. */
    private final String generatedPassword;

    private RootCredentials(Path passwordFile, String password, boolean generatedNow, boolean fromEnvironment) {
        this.passwordFile = passwordFile;
        this.passwordDigest = sha256(password);
        this.generatedNow = generatedNow;
        this.fromEnvironment = fromEnvironment;
        this.generatedPassword = generatedNow ? password : null;
    }

    /**
     * Resolves the root password.
     *
     * @param dataDir         the node's data directory
     * @param passwordFromEnv the password configured through the environment, if any; when present it
     *                        wins, nothing is read or written
     * @param random          the source of a generated password
     * @throws IllegalArgumentException if the environment password is empty
     * @throws SecurityFileException    if the password file exists but is unreadable, empty or not UTF-8
     */
    public static RootCredentials loadOrCreate(Path dataDir, Optional<String> passwordFromEnv, SecureRandom random) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(passwordFromEnv, "passwordFromEnv");
        Objects.requireNonNull(random, "random");
        Path file = dataDir.resolve(PASSWORD_FILE);
        if (passwordFromEnv.isPresent()) {
            String pw = passwordFromEnv.get();
            if (pw.isEmpty()) {
                throw new IllegalArgumentException("the root password given through the environment is empty");
            }
            return new RootCredentials(file, pw, false, true);
        }
        Optional<String> stored = read(file);
        if (stored.isPresent()) {
            return new RootCredentials(file, stored.get(), false, false);
        }
        SecureFiles.ensureDirectory(dataDir, SecureFiles.OWNER_ONLY_DIR);
        String pw = generate(random);
        try {
            SecureFiles.createAtomically(file, (pw + "\n").getBytes(StandardCharsets.UTF_8), SecureFiles.OWNER_ONLY);
        } catch (FileAlreadyExistsException raced) {
            return new RootCredentials(file, read(file).orElseThrow(
                    () -> new SecurityFileException(file, "disappeared while being created")), false, false);
        } catch (IOException e) {
            throw new SecurityFileException(file, "cannot write root password: " + e.getMessage(), e);
        }
        return new RootCredentials(file, pw, true, false);
    }

    private static Optional<String> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new SecurityFileException(file, "cannot read root password: " + e.getMessage(), e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SecurityFileException(file, "corrupt root password file (not UTF-8)");
        }
        // One line; a trailing newline (as written by us or by an editor) is not part of the password.
        String pw = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (pw.isEmpty() || pw.indexOf('\n') >= 0 || pw.length() > MAX_PASSWORD_LENGTH) {
            throw new SecurityFileException(file, "corrupt root password file (expected one non-empty line)");
        }
        return Optional.of(pw);
    }

    private static String generate(SecureRandom random) {
        StringBuilder sb = new StringBuilder(GENERATED_LENGTH);
        for (int i = 0; i < GENERATED_LENGTH; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /** Whether {@code user} is {@code root@pam} and {@code password} is its password. */
    public boolean verify(String user, String password) {
        return verify(user, null, password);
    }

    /**
     * Like the {@code username}/{@code realm} parameters of {@code POST /access/ticket}: accepts
     * {@code root@pam} with no realm, {@code root} with realm {@code pam}, and {@code root@pam} with realm
     * {@code pam}. The password is compared in constant time even when the user does not match.
     */
    public boolean verify(String username, String realm, String password) {
        boolean userOk = isRoot(username, realm);
        boolean passwordOk = password != null && password.length() <= MAX_PASSWORD_LENGTH
                && MessageDigest.isEqual(passwordDigest, sha256(password));
        return userOk & passwordOk;
    }

    private static boolean isRoot(String username, String realm) {
        if (username == null) {
            return false;
        }
        if (realm == null || realm.isEmpty()) {
            return ROOT_USERID.equals(username);
        }
        return ROOT_REALM.equals(realm) && (ROOT_USER.equals(username) || ROOT_USERID.equals(username));
    }

    /** True when the password was generated by this call: print {@link #generatedPassword()} once. */
    public boolean generatedNow() {
        return generatedNow;
    }

    /** The password generated by this start, for printing once; empty otherwise. */
    public Optional<String> generatedPassword() {
        return Optional.ofNullable(generatedPassword);
    }

    /** True when the password came from the environment (then no file is used). */
    public boolean fromEnvironment() {
        return fromEnvironment;
    }

    /** {@code dataDir/root-password}; it does not exist when the password came from the environment. */
    public Path passwordFile() {
        return passwordFile;
    }

    @Override
    public String toString() {
        return "RootCredentials[user=" + ROOT_USERID + ", source="
                + (fromEnvironment ? "environment" : passwordFile.toString()) + ", password=***]";
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
