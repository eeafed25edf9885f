package org.fabricve.gateway.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and verifies Proxmox-style authentication tickets and CSRF prevention tokens.
 *
 * <ul>
 *   <li>ticket: {@code PVE:{userid}:{8 upper hex digits unix time}::{signature}}, the signature being
 *       unpadded base64 of HMAC-SHA256 over {@code PVE:{userid}:{HEXTIME}}. It is what the gateway puts
 *       in the {@code PVEAuthCookie} cookie and returns from {@code POST /access/ticket}.</li>
 *   <li>CSRF token: {@code {HEXTIME}:{signature}}, unpadded base64 of HMAC-SHA256 over
 *       {@code {HEXTIME}:{userid}} (the shape of Proxmox's {@code CSRFPreventionToken}).</li>
 * </ul>
 *
 * <p>Both are valid for {@value #MAX_AGE_SECONDS} seconds (inclusive, as in Proxmox) and may come from
 * the future by at most {@value #MAX_CLOCK_SKEW_SECONDS} seconds. Ticket and CSRF signatures use two keys
 * derived from one random 256-bit master key kept in {@code dataDir/auth-key} (mode 0600, base64 text),
 * so a signature of one kind is never valid as the other. Verification never throws on malformed input and
 * compares signatures in constant time. Instances are immutable and thread-safe.
 *
 * <p>Every node of a cluster must share the same {@code auth-key} for tickets to be valid cluster-wide;
 * distributing it is not this class's job.
 */
public final class TicketAuthority {

    /** Name of the master key file inside the data directory. */
    public static final String KEY_FILE = "auth-key";
    /** Ticket and CSRF token lifetime (Proxmox: 2 hours). */
    public static final long MAX_AGE_SECONDS = 7200;
    /** How far in the future a ticket's timestamp may lie (Proxmox: 5 minutes). */
    public static final long MAX_CLOCK_SKEW_SECONDS = 300;

    private static final int KEY_BYTES = 32;
    private static final String HMAC = "HmacSHA256";
    private static final String TICKET_PREFIX = "PVE";
    private static final int MAX_INPUT_LENGTH = 4096;
    /** Proxmox's userid syntax: user regex {@code [^\s:/]+}, realm regex {@code [A-Za-z][A-Za-z0-9.\-_]+}. */
    private static final String USERID = "[^\\s:/]+@[A-Za-z][A-Za-z0-9.\\-_]+";
    private static final Pattern USERID_PATTERN = Pattern.compile(USERID);
    private static final Pattern TICKET = Pattern.compile(
            "^" + TICKET_PREFIX + ":(" + USERID + "):([0-9A-Fa-f]{8})::([A-Za-z0-9+/]+={0,2})$");
    private static final Pattern CSRF = Pattern.compile("^([0-9A-Fa-f]{8}):([A-Za-z0-9+/]+={0,2})$");

    private final Path keyFile;
    private final Clock clock;
    private final SecretKeySpec ticketKey;
    private final SecretKeySpec csrfKey;

    private TicketAuthority(Path keyFile, byte[] masterKey, Clock clock) {
        this.keyFile = keyFile;
        this.clock = clock;
        this.ticketKey = new SecretKeySpec(hmac(new SecretKeySpec(masterKey, HMAC), "fabric-ve ticket v1"), HMAC);
        this.csrfKey = new SecretKeySpec(hmac(new SecretKeySpec(masterKey, HMAC), "fabric-ve csrf v1"), HMAC);
    }

    /**
     * Loads the master key from {@code dataDir/auth-key}, creating it (256 random bits from
     * {@link SecureRandom}, mode 0600) if the file does not exist.
     *
     * @throws SecurityFileException if the file exists but is unreadable or does not hold a 256-bit key
     */
    public static TicketAuthority loadOrCreate(Path dataDir, Clock clock) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(clock, "clock");
        SecureFiles.ensureDirectory(dataDir, SecureFiles.OWNER_ONLY_DIR);
        Path file = dataDir.resolve(KEY_FILE);
        byte[] key = readKey(file);
        if (key == null) {
            key = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(key);
            try {
                SecureFiles.createAtomically(file,
                        (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII),
                        SecureFiles.OWNER_ONLY);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                key = readKey(file);
                if (key == null) {
                    throw new SecurityFileException(file, "disappeared while being created");
                }
            } catch (IOException e) {
                throw new SecurityFileException(file, "cannot write authentication key: " + e.getMessage(), e);
            }
        }
        try {
            return new TicketAuthority(file, key, clock);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Null when the file does not exist; the key otherwise. */
    private static byte[] readKey(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new SecurityFileException(file, "cannot read authentication key: " + e.getMessage(), e);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new SecurityFileException(file, "corrupt authentication key (not base64)");
        }
        if (key.length != KEY_BYTES) {
            throw new SecurityFileException(file,
                    "corrupt authentication key (expected " + KEY_BYTES + " bytes, found " + key.length + ")");
        }
        return key;
    }

    /** The file holding the master key. */
    public Path keyFile() {
        return keyFile;
    }

    /**
     * Issues a ticket for {@code userid} ({@code user@realm}) stamped with the current time.
     *
     * @throws IllegalArgumentException if {@code userid} is not of the form {@code user@realm}
     */
    public String issueTicket(String userid) {
        requireUserid(userid);
        String plain = TICKET_PREFIX + ":" + userid + ":" + hexTime(now());
        return plain + "::" + sign(ticketKey, plain);
    }

    /**
     * The userid of a valid ticket: well-formed, correctly signed, at most {@value #MAX_AGE_SECONDS}
     * seconds old and not more than {@value #MAX_CLOCK_SKEW_SECONDS} seconds in the future. The ticket may
     * be percent-encoded as in a cookie ({@code PVE%3Aroot%40pam%3A...}). Returns empty for anything else,
     * including null and garbage.
     */
    public Optional<String> verifyTicket(String ticket) {
        if (ticket == null || ticket.length() > MAX_INPUT_LENGTH) {
            return Optional.empty();
        }
        Optional<String> decoded = PercentDecoding.decode(ticket.strip());
        if (decoded.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = TICKET.matcher(decoded.get());
        if (!m.matches()) {
            return Optional.empty();
        }
        String userid = m.group(1);
        String hex = m.group(2);
        String plain = TICKET_PREFIX + ":" + userid + ":" + hex;
        if (!signatureMatches(ticketKey, plain, m.group(3)) || !fresh(hex)) {
            return Optional.empty();
        }
        return Optional.of(userid);
    }

    /**
     * A CSRF prevention token bound to {@code userid}, stamped with the current time.
     *
     * @throws IllegalArgumentException if {@code userid} is not of the form {@code user@realm}
     */
    public String csrfToken(String userid) {
        requireUserid(userid);
        String hex = hexTime(now());
        return hex + ":" + sign(csrfKey, hex + ":" + userid);
    }

    /**
     * Whether {@code token} is a CSRF prevention token issued for {@code userid} that has not expired
     * (same age rules as tickets). False for null or malformed input.
     */
    public boolean verifyCsrf(String userid, String token) {
        if (userid == null || token == null || token.length() > MAX_INPUT_LENGTH
                || !USERID_PATTERN.matcher(userid).matches()) {
            return false;
        }
        Matcher m = CSRF.matcher(token.strip());
        if (!m.matches()) {
            return false;
        }
        String hex = m.group(1);
        return signatureMatches(csrfKey, hex + ":" + userid, m.group(2)) && fresh(hex);
    }

    @Override
    public String toString() {
        return "TicketAuthority[" + keyFile + "]";
    }

    private long now() {
        return Math.floorDiv(clock.millis(), 1000L);
    }

    private boolean fresh(String hex) {
        long issued = Long.parseLong(hex, 16);
        long age = now() - issued;
        return age >= -MAX_CLOCK_SKEW_SECONDS && age <= MAX_AGE_SECONDS;
    }

    private static String hexTime(long epochSeconds) {
        if (epochSeconds < 0 || epochSeconds > 0xFFFF_FFFFL) {
            throw new IllegalStateException("clock out of the ticket timestamp range: " + epochSeconds);
        }
        return String.format(Locale.ROOT, "%08X", epochSeconds);
    }

    private static void requireUserid(String userid) {
        if (userid == null || !USERID_PATTERN.matcher(userid).matches()) {
            throw new IllegalArgumentException("invalid userid (expected user@realm): " + userid);
        }
    }

    private static String sign(SecretKeySpec key, String data) {
        return Base64.getEncoder().withoutPadding().encodeToString(hmac(key, data));
    }

    private static boolean signatureMatches(SecretKeySpec key, String data, String presented) {
        byte[] given;
        try {
            given = Base64.getDecoder().decode(presented);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmac(key, data), given);
    }

    private static byte[] hmac(SecretKeySpec key, String data) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
