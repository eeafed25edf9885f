package org.fabricve.node.libvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fabricve.node.libvirt.xml.Fixtures.map;
import static org.fabricve.node.libvirt.xml.Fixtures.raw;

import java.nio.file.Path;
import java.util.Map;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;

/**
 * Values the validator would normally stop, fed straight into the translation (defence in depth): they are
 * either carried verbatim but escaped, or refused with an IllegalArgumentException that names the config key.
 */
class HostileValuesTest {

    static final String NASTY = "\"'<>&]]></title><evil/><!-- ${x} &amp; \u00e9\ud83d\ude00";

    static String qemu(Map<String, String> values) {
        return QemuDomainXml.build(100, "vm-100", raw(GuestType.QEMU, values), Accel.TCG, Fixtures.PATHS);
    }

    static String lxc(Map<String, String> values) {
        return LxcDomainXml.build(200, "ct-200", raw(GuestType.LXC, values), Path.of("/var/lib/fabric/rootfs/200"),
                Fixtures.PATHS);
    }

    static String text(Document d, String tag) {
        return d.getElementsByTagName(tag).item(0).getTextContent();
    }

    @Test
    void nameAndDescriptionAreEscapedAndComeBackVerbatim() {
        String description = NASTY + "\nsecond line\twith tab";
        String xml = qemu(map("name", NASTY, "description", description));
        Document d = Fixtures.parse(xml);
        assertThat(text(d, "title")).isEqualTo(NASTY);
        assertThat(text(d, "description")).isEqualTo(description);
        assertThat(d.getElementsByTagName("evil").getLength()).isZero();
        assertThat(xml).doesNotContain("<evil").contains("&lt;evil/&gt;");
        String ct = lxc(map("hostname", NASTY, "description", description));
        assertThat(text(Fixtures.parse(ct), "title")).isEqualTo(NASTY);
    }

    @Test
    void veryLongValuesAreCarriedOrRefusedButNeverTruncated() {
        String long64k = "a<&".repeat(22_000);
        Document d = Fixtures.parse(qemu(map("description", long64k, "name", "x".repeat(10_000))));
        assertThat(text(d, "description")).isEqualTo(long64k);
        assertThat(text(d, "title")).hasSize(10_000);
        assertThatThrownBy(() -> QemuDomainXml.build(100, "v".repeat(300), raw(GuestType.QEMU, map()), Accel.TCG, Fixtures.PATHS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("name:");
        assertThatThrownBy(() -> qemu(map("scsi0", "local:" + "a/".repeat(600) + "disk.raw")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scsi0:");
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> controlCharacters() {
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("name", "line\nbreak"),
                org.junit.jupiter.params.provider.Arguments.of("name", "nul\u0000char"),
                org.junit.jupiter.params.provider.Arguments.of("name", "tab\tchar"),
                org.junit.jupiter.params.provider.Arguments.of("description", "bell\u0007"),
                org.junit.jupiter.params.provider.Arguments.of("description", "del\u007f"),
                org.junit.jupiter.params.provider.Arguments.of("description", "c1\u0085"),
                org.junit.jupiter.params.provider.Arguments.of("description", "esc\u001b[2J"),
                org.junit.jupiter.params.provider.Arguments.of("description", "broken\ud800surrogate"),
                org.junit.jupiter.params.provider.Arguments.of("description", "nonchar\uffff"));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("controlCharacters")
    void controlCharactersAreRefusedNamingTheKey(String key, String value) {
        assertThatThrownBy(() -> qemu(map(key, value)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(key + ":");
        String lxcKey = key.equals("name") ? "hostname" : key;
        assertThatThrownBy(() -> lxc(map(lxcKey, value)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(lxcKey + ":");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "scsi0|local:../../../etc/shadow",
        "scsi0|local:100/../../../../etc/shadow",
        "scsi0|local:/etc/shadow",
        "scsi0|/etc/shadow",
        "scsi0|local:./vm-100-disk-0.raw",
        "scsi0|local:100//vm-100-disk-0.raw",
        "scsi0|local:100\\..\\x",
        "scsi0|local:100/vm-100\u0000.raw",
        "scsi0|local:32",
        "scsi0|nosuchstorage:100/vm-100-disk-0.raw",
        "scsi0|lo\"cal:100/vm-100-disk-0.raw",
        "virtio0|local:..",
        "sata1|local:100/vm.raw,serial=\"><evil/>",
        "ide2|local:../iso/x.iso,media=cdrom",
        "efidisk0|local:../../etc/passwd,efitype=4m",
        "tpmstate0|local:../x,version=v2.0",
        "net0|virtio=BC:24:11:00:00:01,bridge=vmbr0\"><evil/>",
        "net0|virtio=BC:24:11:00:00:01\"/>,bridge=vmbr0",
        "net0|evil=BC:24:11:00:00:01,bridge=vmbr0",
        "net0|virtio=BC:24:11:00:00:01,bridge=vmbr0,rate=1e9",
        "net0|virtio=BC:24:11:00:00:01,bridge=vmbr0,trunks=1;<2>",
        "serial0|/dev/../etc/passwd",
        "serial1|/tmp/sock",
        "hostpci0|0000:01:00.0\"/>",
        "usb0|host=../../../etc",
        "usb0|host=1-9.9",
        "cpu|host\"><evil/>",
        "cpu|host,flags=+aes\"",
        "machine|pc\"><evil/>",
        "machine|q35,viommu=evil",
        "vmgenid|not-a-uuid<>",
        "vga|std\"",
        "boot|order=scsi0",
        "cache|x",
        "memory|-5",
        "sockets|1e3",
        "cores|0",
        "vcpus|99",
        "balloon|999999",
        "kvm|maybe",
        "arch|riscv64",
        "bios|coreboot",
        "scsihw|evil",
        "ide4|local:100/a.raw",
        "sata6|local:100/a.raw",
        "scsi31|local:100/a.raw",
        "virtio0|local:cloudinit",
        "virtio1|none,media=cdrom",
    })
    void qemuValuesThatWouldEscapeOrInjectAreRefusedNamingTheKey(String key, String value) {
        Map<String, String> cfg = map(key, value, "memory", key.equals("memory") ? value : "1024");
        if (key.equals("cache")) {
            cfg = map("scsi0", "local:100/vm-100-disk-0.raw,cache=x\"");
            key = "scsi0";
        }
        Map<String, String> c = cfg;
        assertThatThrownBy(() -> qemu(c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(key + ":");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mp0|local:200/subvol-200-disk-1,mp=/srv/../../etc",
        "mp0|local:200/subvol-200-disk-1,mp=relative/path",
        "mp0|local:200/subvol-200-disk-1,mp=/",
        "mp0|local:200/subvol-200-disk-1,mp=/srv/\"><evil/>",
        "mp0|local:200/subvol-200-disk-1",
        "mp0|local:../../etc,mp=/mnt",
        "mp0|/etc,mp=/mnt",
        "mp0|local:/etc,mp=/mnt",
        "net0|name=eth0,bridge=vmbr0,ip=1.2.3.4/24\"",
        "net0|name=eth0,bridge=vmbr0,ip=1.2.3.400/24",
        "net0|name=eth0,bridge=vmbr0,ip=1.2.3.4",
        "net0|name=eth0,bridge=vmbr0,ip6=1.2.3.4/64",
        "net0|name=eth0,bridge=vmbr0,gw=<evil>",
        "net0|name=\"eth0,bridge=vmbr0",
        "net0|name=eth0,bridge=vm br0",
        "net0|name=eth0,bridge=vmbr0,hwaddr=zz:zz:zz:zz:zz:zz",
        "memory|lots",
        "swap|-1",
        "cpulimit|1;rm",
        "arch|sparc",
        "unprivileged|2",
        "rootfs|local:../../etc,size=8G",
        "rootfs|/etc",
    })
    void lxcValuesThatWouldEscapeOrInjectAreRefusedNamingTheKey(String key, String value) {
        assertThatThrownBy(() -> lxc(map(key, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(key + ":");
    }

    @Test
    void aVolumeFunctionThatPointsOutsideItsStorageIsNotTrusted() {
        HostPaths lying = new HostPaths((s, v) -> Path.of("/etc/shadow"), Fixtures.PATHS.ovmfCode(),
                Fixtures.PATHS.ovmfVarsTemplate(), Fixtures.PATHS.nvramDir(), Fixtures.PATHS.serialLogDir());
        GuestConfig cfg = raw(GuestType.QEMU, map("scsi0", "local:100/vm-100-disk-0.raw"));
        assertThatThrownBy(() -> QemuDomainXml.build(100, "vm-100", cfg, Accel.TCG, lying))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scsi0:")
                .hasMessageContaining("outside");
        HostPaths relative = new HostPaths((s, v) -> Path.of("relative").resolve(v), Fixtures.PATHS.ovmfCode(),
                Fixtures.PATHS.ovmfVarsTemplate(), Fixtures.PATHS.nvramDir(), Fixtures.PATHS.serialLogDir());
        assertThatThrownBy(() -> QemuDomainXml.build(100, "vm-100", cfg, Accel.TCG, relative))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scsi0:");
        HostPaths throwing = new HostPaths((s, v) -> {
            throw new IllegalStateException("boom");
        }, Fixtures.PATHS.ovmfCode(), Fixtures.PATHS.ovmfVarsTemplate(), Fixtures.PATHS.nvramDir(), Fixtures.PATHS.serialLogDir());
        assertThatThrownBy(() -> QemuDomainXml.build(100, "vm-100", cfg, Accel.TCG, throwing))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scsi0:");
    }

    @Test
    void directoriesStayInsideTheirRoot() {
        var f = HostPaths.directories(Map.of("local", Path.of("/srv/local")));
        assertThat(f.apply("local", "images/100/a.qcow2")).isEqualTo(Path.of("/srv/local/images/100/a.qcow2"));
        assertThat(f.apply("local", "../etc/passwd")).isNull();
        assertThat(f.apply("local", "/etc/passwd")).isNull();
        assertThat(f.apply("local", ".")).isNull();
        assertThat(f.apply("other", "x")).isNull();
    }

    @Test
    void lxcRootMustBeAnAbsoluteDirectory() {
        GuestConfig cfg = raw(GuestType.LXC, map());
        assertThatThrownBy(() -> LxcDomainXml.build(200, "ct-200", cfg, Path.of("rel"), Fixtures.PATHS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("rootfs:");
        assertThatThrownBy(() -> LxcDomainXml.build(200, "ct-200", cfg, Path.of("/"), Fixtures.PATHS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("rootfs:");
    }

    @Test
    void wrongGuestTypeOrVmidIsRefused() {
        assertThatThrownBy(() -> QemuDomainXml.build(100, "vm-100", raw(GuestType.LXC, map()), Accel.TCG, Fixtures.PATHS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LxcDomainXml.build(200, "ct-200", raw(GuestType.QEMU, map()), Path.of("/r"), Fixtures.PATHS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QemuDomainXml.build(5, "vm-5", raw(GuestType.QEMU, map()), Accel.TCG, Fixtures.PATHS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QemuDomainXml.build(100, "../vm", raw(GuestType.QEMU, map()), Accel.TCG, Fixtures.PATHS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("name:");
    }
}
