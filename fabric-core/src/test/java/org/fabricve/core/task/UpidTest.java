package org.fabricve.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class UpidTest {

    private static final Upid SAMPLE = new Upid("pve1", 0x1A2BL, 0xABCDEFL, 0x65000000L, "qmstart", "100", "root@pam");

    @Test
    void formatsExactlyLikeProxmox() {
        assertThat(SAMPLE.format()).isEqualTo("UPID:pve1:00001A2B:00ABCDEF:65000000:qmstart:100:root@pam:");
        assertThat(SAMPLE).hasToString(SAMPLE.format());
    }

    @Test
    void formatsZeroAndMaximalValuesWithEightUpperCaseDigits() {
        assertThat(new Upid("n", 0, 0, 0, "t", "", "u").format()).isEqualTo("UPID:n:00000000:00000000:00000000:t::u:");
        assertThat(new Upid("n", 0xFFFFFFFFL, 0xFFFFFFFFL, 0xFFFFFFFFL, "t", "i", "u").format())
                .isEqualTo("UPID:n:FFFFFFFF:FFFFFFFF:FFFFFFFF:t:i:u:");
    }

    @Test
    void parsesARealProxmoxUpid() {
        Upid u = Upid.parse("UPID:pve:00000D6B:00011C0E:5F0B4C3A:qmstart:100:root@pam:").orElseThrow();
        assertThat(u.node()).isEqualTo("pve");
        assertThat(u.pid()).isEqualTo(0xD6BL);
        assertThat(u.pstart()).isEqualTo(0x11C0EL);
        assertThat(u.startTime()).isEqualTo(0x5F0B4C3AL);
        assertThat(u.type()).isEqualTo("qmstart");
        assertThat(u.id()).isEqualTo("100");
        assertThat(u.user()).isEqualTo("root@pam");
    }

    @Test
    void parsesAnEmptyIdLowerCaseHexANinDigitPstartAndTokenUsers() {
        assertThat(Upid.parse("UPID:node-1.example:0000000a:0000000b:0000000c:vzdump::root@pam:").orElseThrow())
                .isEqualTo(new Upid("node-1.example", 10, 11, 12, "vzdump", "", "root@pam"));
        assertThat(Upid.parse("UPID:n:00000001:123456789:00000002:t:i:u:").orElseThrow().pstart())
                .isEqualTo(0x123456789L);
        assertThat(Upid.parse("UPID:n:00000001:00000002:00000003:qmstart:100:root@pam!mytoken:").orElseThrow().user())
                .isEqualTo("root@pam!mytoken");
    }

    @Test
    void roundTripsSample() {
        assertThat(Upid.parse(SAMPLE.format())).contains(SAMPLE);
    }

    @Test
    void roundTripsRandomValuesInRange() {
        var random = new SplittableRandom(42);
        String[] nodes = {"a", "pve", "node-01", "host.example.org", "x9"};
        String[] types = {"qmstart", "vzcreate", "qmdestroy", "vzdump", "srvreload"};
        String[] ids = {"", "100", "999999999", "local", "vm-100-disk-0"};
        String[] users = {"root@pam", "alice@pve", "root@pam!tok"};
        for (int i = 0; i < 2_000; i++) {
            var u = new Upid(nodes[random.nextInt(nodes.length)], random.nextLong(0x1_0000_0000L),
                    random.nextLong(0x1_0000_0000L), random.nextLong(0x1_0000_0000L), types[random.nextInt(types.length)],
                    ids[random.nextInt(ids.length)], users[random.nextInt(users.length)]);
            String text = u.format();
            assertThat(text).matches("UPID:[^:]+:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:[^:]+:[^:]*:[^:]+:");
            assertThat(Upid.parse(text)).as(text).contains(u);
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "UPID:pve:00000D6B:00011C0E:5F0B4C3A:qmstart:100:root@pam",       // missing trailing colon
            "UPID:pve:00000D6B:00011C0E:5F0B4C3A:qmstart:100:root@pam::",     // extra empty field
            "UPID:pve:00000D6B:00011C0E:5F0B4C3A:qmstart:100:root@pam:x:",    // one field too many
            "UPID:pve:00000D6B:00011C0E:5F0B4C3A:qmstart:root@pam:",          // one field too few
            "UPID:pve:00000D6B:00011C0E:qmstart:100:root@pam:",               // starttime missing
            "UPID:pve:00000D6G:00011C0E:5F0B4C3A:qmstart:100:root@pam:",      // non-hex pid
            "UPID:pve:00000D6B:0001XC0E:5F0B4C3A:qmstart:100:root@pam:",      // non-hex pstart
            "UPID:pve:00000D6B:00011C0E:5F0B4C3Z:qmstart:100:root@pam:",      // non-hex starttime
            "UPID:pve:0000D6B:00011C0E:5F0B4C3A:qmstart:100:root@pam:",       // 7-digit pid
            "UPID:pve:000000D6B:00011C0E:5F0B4C3A:qmstart:100:root@pam:",     // 9-digit pid
            "UPID:pve:00000D6B:00011C0E:05F0B4C3A:qmstart:100:root@pam:",     // 9-digit starttime
            "UPID:pve:00000D6B:1000011C0E:5F0B4C3A:qmstart:100:root@pam:",    // 10-digit pstart
            "upid:pve:00000D6B:00011C0E:5F0B4C3A:qmstart:100:root@pam:",      // lower-case prefix
            "XUPID:pve:00000D6B:00011C0E:5F0B4C3A:qmstart:100:root@pam:",     // wrong prefix
            " UPID:pve:00000D6B:00011C0E:5F0B4C3A:qmstart:100:root@pam:",     // leading blank
            "UPID:pve:00000D6B:00011C0E:5F0B4C3A:qmstart:100:root@pam:\n",    // trailing newline
            "UPID::00000D6B:00011C0E:5F0B4C3A:qmstart:100:root@pam:",         // empty node
            "UPID:-pve:00000D6B:00011C0E:5F0B4C3A:qmstart:100:root@pam:",     // node starts with '-'
            "UPID:pve-:00000D6B:00011C0E:5F0B4C3A:qmstart:100:root@pam:",     // node ends with '-'
            "UPID:p_ve:00000D6B:00011C0E:5F0B4C3A:qmstart:100:root@pam:",     // '_' in node
            "UPID:pve:00000D6B:00011C0E:5F0B4C3A::100:root@pam:",             // empty type
            "UPID:pve:00000D6B:00011C0E:5F0B4C3A:qmstart:100::",              // empty user
            "UPID:pve:00000D6B:00011C0E:5F0B4C3A:qm start:100:root@pam:",     // blank in type
            "UPID:pve:00000D6B:00011C0E:5F0B4C3A:qmstart:1 0:root@pam:",      // blank in id
            "UPID:pve:00000D6B:00011C0E:5F0B4C3A:qmstart:100:root@ pam:",     // blank in user
            "UPID:pve:-0000D6B:00011C0E:5F0B4C3A:qmstart:100:root@pam:",      // sign
            "UPID:pve:0x000D6B:00011C0E:5F0B4C3A:qmstart:100:root@pam:",      // 0x prefix
            "UPID:",
            "UPID::::::::",
            "100",
    })
    void rejectsMalformedText(String text) {
        assertThat(Upid.parse(text)).isEmpty();
    }

    @Test
    void constructorRejectsColonsInEveryTextField() {
        assertThatThrownBy(() -> new Upid("pv:e", 1, 2, 3, "qmstart", "100", "root@pam"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("':'");
        assertThatThrownBy(() -> new Upid("pve", 1, 2, 3, "qm:start", "100", "root@pam"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("':'");
        assertThatThrownBy(() -> new Upid("pve", 1, 2, 3, "qmstart", "1:00", "root@pam"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("':'");
        assertThatThrownBy(() -> new Upid("pve", 1, 2, 3, "qmstart", "100", "root:pam"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("':'");
    }

    @Test
    void constructorRequiresNodeTypeAndUser() {
        assertThatThrownBy(() -> new Upid(null, 1, 2, 3, "t", "i", "u")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Upid("", 1, 2, 3, "t", "i", "u")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Upid("n", 1, 2, 3, null, "i", "u")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Upid("n", 1, 2, 3, "", "i", "u")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Upid("n", 1, 2, 3, "t", "i", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Upid("n", 1, 2, 3, "t", "i", "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNullIdBecomesEmptyAndStillRoundTrips() {
        var u = new Upid("n", 1, 2, 3, "srvreload", null, "root@pam");
        assertThat(u.id()).isEmpty();
        assertThat(u.format()).isEqualTo("UPID:n:00000001:00000002:00000003:srvreload::root@pam:");
        assertThat(Upid.parse(u.format())).contains(u);
        assertThat(u).isEqualTo(new Upid("n", 1, 2, 3, "srvreload", "", "root@pam"));
    }
}
