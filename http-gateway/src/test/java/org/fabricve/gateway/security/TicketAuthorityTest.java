package org.fabricve.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class TicketAuthorityTest {

    private static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");

    @TempDir
    Path dataDir;

    private MutableClock clock;
    private TicketAuthority authority;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(T0);
        authority = TicketAuthority.loadOrCreate(dataDir, clock);
    }

    @Test
    void ticketHasProxmoxShapeAndRoundTrips() {
        String ticket = authority.issueTicket("root@pam");
        String hex = String.format("%08X", T0.getEpochSecond());
        assertThat(ticket).startsWith("PVE:root@pam:" + hex + "::").matches("PVE:root@pam:[0-9A-F]{8}::[A-Za-z0-9+/]{43}");
        assertThat(authority.verifyTicket(ticket)).contains("root@pam");
    }

    @Test
    void keyFileIsPrivateAndReusedAcrossRestarts() throws Exception {
        Path key = dataDir.resolve(TicketAuthority.KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        String ticket = authority.issueTicket("root@pam");
        String csrf = authority.csrfToken("root@pam");

        TicketAuthority restarted = TicketAuthority.loadOrCreate(dataDir, clock);
        assertThat(restarted.verifyTicket(ticket)).contains("root@pam");
        assertThat(restarted.verifyCsrf("root@pam", csrf)).isTrue();

        TicketAuthority otherNode = TicketAuthority.loadOrCreate(dataDir.resolve("other"), clock);
        assertThat(otherNode.verifyTicket(ticket)).isEmpty();
        assertThat(otherNode.verifyCsrf("root@pam", csrf)).isFalse();
    }

    @Test
    void ticketExpiresAfterTwoHours() {
        String ticket = authority.issueTicket("root@pam");
        clock.advance(Duration.ofHours(2).minusSeconds(1));
        assertThat(authority.verifyTicket(ticket)).contains("root@pam");
        clock.advance(Duration.ofSeconds(2));
        assertThat(authority.verifyTicket(ticket)).isEmpty();
    }

    @Test
    void ticketFromTheFutureIsOnlyToleratedWithinFiveMinutes() {
        clock.set(T0.plus(Duration.ofMinutes(5)));
        String ticket = authority.issueTicket("root@pam");
        clock.set(T0);
        assertThat(authority.verifyTicket(ticket)).contains("root@pam");

        clock.set(T0.plus(Duration.ofMinutes(5)).plusSeconds(1));
        String farFuture = authority.issueTicket("root@pam");
        clock.set(T0);
        assertThat(authority.verifyTicket(farFuture)).isEmpty();
    }

    @Test
    void tamperedTicketsAreRejected() {
        String ticket = authority.issueTicket("root@pam");
        String[] parts = ticket.split("::", 2);
        String plain = parts[0];
        String sig = parts[1];
        String hex = plain.substring(plain.lastIndexOf(':') + 1);

        // other user, same signature
        assertThat(authority.verifyTicket("PVE:admin@pam:" + hex + "::" + sig)).isEmpty();
        // other timestamp, same signature
        String laterHex = String.format("%08X", Long.parseLong(hex, 16) + 1);
        assertThat(authority.verifyTicket("PVE:root@pam:" + laterHex + "::" + sig)).isEmpty();
        // flipped signature byte
        byte[] raw = Base64.getDecoder().decode(sig);
        raw[0] ^= 1;
        String flipped = Base64.getEncoder().withoutPadding().encodeToString(raw);
        assertThat(authority.verifyTicket(plain + "::" + flipped)).isEmpty();
        // truncated signature
        assertThat(authority.verifyTicket(plain + "::" + sig.substring(0, 20))).isEmpty();
        // the CSRF token's signature is not a ticket signature
        String csrfSig = authority.csrfToken("root@pam").split(":", 2)[1];
        assertThat(authority.verifyTicket(plain + "::" + csrfSig)).isEmpty();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {
        "", " ", "PVE", "PVE:", "PVE:root@pam", "PVE:root@pam:", "PVE:root@pam:67C2F6F0", "PVE:root@pam:67C2F6F0::",
        "PVE:root@pam:67C2F6F0::!!!!", "PVE:root@pam:ZZZZZZZZ::AAAA", "PVE:root@pam:67C2F6F0::A",
        "PVE:root@pam:FFFFFFFFFF::AAAA", "PMG:root@pam:67C2F6F0::AAAA", "PVE%3", "PVE%ZZroot", "%C3%28",
        "PVE:root:67C2F6F0::AAAA", "\u0000\u0001\u0002", "PVE:r\u00f6\u00f6t@pam:67C2F6F0::AAAA",
    })
    void garbageIsToleratedAndRejected(String garbage) {
        assertThat(authority.verifyTicket(garbage)).isEmpty();
        assertThat(authority.verifyCsrf("root@pam", garbage)).isFalse();
    }

    @Test
    void hugeInputIsRejected() {
        assertThat(authority.verifyTicket("PVE:" + "a".repeat(100_000))).isEmpty();
    }

    @Test
    void urlEncodedCookieValueIsAccepted() {
        String ticket = authority.issueTicket("root@pam");
        String encoded = URLEncoder.encode(ticket, StandardCharsets.UTF_8);
        assertThat(encoded).startsWith("PVE%3Aroot%40pam%3A");
        assertThat(authority.verifyTicket(encoded)).contains("root@pam");
        // A signature with '+' and '/' must survive both raw and percent-encoded forms.
        for (int i = 0; i < 50; i++) {
            clock.advance(Duration.ofSeconds(1));
            String t = authority.issueTicket("root@pam");
            assertThat(authority.verifyTicket(t)).contains("root@pam");
            assertThat(authority.verifyTicket(URLEncoder.encode(t, StandardCharsets.UTF_8))).contains("root@pam");
        }
    }

    @Test
    void csrfTokenHasProxmoxShapeIsBoundToUserAndExpires() {
        String token = authority.csrfToken("root@pam");
        assertThat(token).matches("[0-9A-F]{8}:[A-Za-z0-9+/]{43}");
        assertThat(authority.verifyCsrf("root@pam", token)).isTrue();
        assertThat(authority.verifyCsrf("admin@pam", token)).isFalse();
        assertThat(authority.verifyCsrf(null, token)).isFalse();
        assertThat(authority.verifyCsrf("garbage user", token)).isFalse();

        // the ticket's signature is not a CSRF signature
        String ticket = authority.issueTicket("root@pam");
        String hex = token.substring(0, 8);
        assertThat(authority.verifyCsrf("root@pam", hex + ":" + ticket.split("::")[1])).isFalse();

        String otherHex = String.format("%08X", Long.parseLong(hex, 16) - 1);
        assertThat(authority.verifyCsrf("root@pam", otherHex + token.substring(8))).isFalse();

        clock.advance(Duration.ofHours(2).minusSeconds(1));
        assertThat(authority.verifyCsrf("root@pam", token)).isTrue();
        clock.advance(Duration.ofSeconds(2));
        assertThat(authority.verifyCsrf("root@pam", token)).isFalse();
    }

    @Test
    void issuingForAnInvalidUseridFails() {
        assertThatThrownBy(() -> authority.issueTicket("root")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> authority.issueTicket("ro:ot@pam")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> authority.csrfToken(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void corruptKeyFileIsReportedNotReplaced() throws Exception {
        Path key = dataDir.resolve(TicketAuthority.KEY_FILE);
        Files.writeString(key, "not base64 !!!\n");
        assertThatThrownBy(() -> TicketAuthority.loadOrCreate(dataDir, clock))
                .isInstanceOf(SecurityFileException.class)
                .hasMessageContaining(key.toString());
        Files.writeString(key, Base64.getEncoder().encodeToString(new byte[16]));
        assertThatThrownBy(() -> TicketAuthority.loadOrCreate(dataDir, clock))
                .isInstanceOf(SecurityFileException.class)
                .hasMessageContaining(key.toString())
                .hasMessageContaining("32 bytes");
        assertThat(Files.readString(key)).isEqualTo(Base64.getEncoder().encodeToString(new byte[16]));
    }

    @Test
    void toStringRevealsNoKey() throws Exception {
        String key = Files.readString(dataDir.resolve(TicketAuthority.KEY_FILE)).strip();
        assertThat(authority.toString()).doesNotContain(key);
    }
}
