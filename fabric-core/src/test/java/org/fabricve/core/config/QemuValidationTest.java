package org.fabricve.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.core.config.Fixtures.errors;
import static org.fabricve.core.config.Fixtures.qemu;
import static org.fabricve.core.config.Fixtures.valid;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Scalar keys, node capacity, NICs and MACs of QEMU guests (node: 8 cpus, 16384 MiB). */
class QemuValidationTest {

    @Test
    void aTypicalVmIsNormalized() {
        Validation.Valid v = valid(qemu(
                "name", "web-01.example.com", "memory", "2048", "cores", "2", "sockets", "2", "ostype", "l26",
                "scsihw", "virtio-scsi-single", "scsi0", "local-lvm:32,iothread=on,discard=on",
                "ide2", "local:iso/debian-12.iso,media=cdrom", "net0", "virtio,bridge=vmbr0,firewall=yes",
                "boot", "order=scsi0;ide2;net0", "agent", "1", "onboot", "true", "tags", "web;prod"));
        GuestConfig c = v.config();
        assertThat(c.memoryMiB()).isEqualTo(2048);
        assertThat(c.vcpus()).isEqualTo(4);
        assertThat(c.name()).isEqualTo("web-01.example.com");
        assertThat(c.get("onboot")).isEqualTo("1");
        assertThat(c.get("scsi0")).isEqualTo("local-lvm:32,discard=on,iothread=1");
        assertThat(c.get("net0")).matches("virtio=BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2},bridge=vmbr0,firewall=1");
        assertThat(v.newVolumes()).containsExactly(new VolumeRequest("scsi0", "local-lvm", 32));
    }

    @Test
    void defaultsWhenNothingIsGiven() {
        GuestConfig c = valid(qemu()).config();
        assertThat(c.memoryMiB()).isEqualTo(512);
        assertThat(c.vcpus()).isEqualTo(1);
        assertThat(c.name()).isNull();
        assertThat(c.disks()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "memory, 15, value must have a minimum value of 16",
            "memory, 16384x, type check ('integer') failed - got '16384x'",
            "memory, 16385, value must have a maximum value of 16384",
            "cores, 0, value must have a minimum value of 1",
            "cores, 9, value must have a maximum value of 8",
            "cores, abc, type check ('integer') failed - got 'abc'",
            "cores, -1, value must have a minimum value of 1",
            "cores, +2, type check ('integer') failed - got '+2'",
            "cores, 2.0, type check ('integer') failed - got '2.0'",
            "cores, 99999999999999999999, type check ('integer') failed - got '99999999999999999999'",
            "sockets, 0, value must have a minimum value of 1",
            "sockets, 5, value must have a maximum value of 4",
            "balloon, -1, value must have a minimum value of 0",
            "cpulimit, 129, value must have a maximum value of 128",
            "cpulimit, 1e3, type check ('number') failed - got '1e3'",
            "cpuunits, 0, value must have a minimum value of 1",
            "onboot, 2, type check ('boolean') failed - got '2'",
            "numa, maybe, type check ('boolean') failed - got 'maybe'"})
    void scalarErrorsSpeakProxmox(String key, String value, String message) {
        assertThat(errors(qemu(key, value))).containsExactlyEntriesOf(java.util.Map.of(key, message));
    }

    @ParameterizedTest
    @CsvSource({"memory, 16", "memory, 16384", "cores, 1", "cores, 8", "sockets, 1", "sockets, 4",
            "cpulimit, 0", "cpulimit, 1.5", "cpulimit, 128", "balloon, 0", "vcpus, 1"})
    void scalarBoundsAreInclusive(String key, String value) {
        valid(qemu(key, value));
    }

    @Test
    void memoryAcceptsTheCurrentSpellingAndStoresPlainMiB() {
        assertThat(valid(qemu("memory", "current=4096")).config().get("memory")).isEqualTo("4096");
    }

    @Test
    void socketsTimesCoresMustFitTheNode() {
        valid(qemu("sockets", "2", "cores", "4"));
        valid(qemu("sockets", "4", "cores", "2"));
        assertThat(errors(qemu("sockets", "2", "cores", "5"))).containsOnlyKeys("cores");
        assertThat(errors(qemu("sockets", "3", "cores", "3"))).containsOnlyKeys("cores");
        assertThat(errors(qemu("sockets", "3", "cores", "3")).get("cores")).contains("8 cpus");
    }

    @Test
    void vcpusAndBalloonAreBoundByTheirParents() {
        valid(qemu("sockets", "2", "cores", "2", "vcpus", "4"));
        assertThat(errors(qemu("sockets", "2", "cores", "2", "vcpus", "5"))).containsOnlyKeys("vcpus");
        valid(qemu("memory", "2048", "balloon", "2048"));
        assertThat(errors(qemu("memory", "2048", "balloon", "2049"))).containsOnlyKeys("balloon");
        assertThat(errors(qemu("balloon", "513"))).containsOnlyKeys("balloon"); // default memory is 512
    }

    @Test
    void allErrorsAreReportedAtOnce() {
        assertThat(errors(qemu("memory", "1", "cores", "x", "ostype", "dos", "bogus", "1", "scsi0", "nowhere:3",
                "net0", "virtio")))
                .containsOnlyKeys("memory", "cores", "ostype", "bogus", "scsi0", "net0");
    }

    @Test
    void unknownKeysUseTheSchemaMessage() {
        assertThat(errors(qemu("hostname", "x"))).containsEntry("hostname", GuestConfigValidator.UNKNOWN_KEY);
        assertThat(errors(qemu("scsi01", "local:1"))).containsEntry("scsi01", GuestConfigValidator.UNKNOWN_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"other", "wxp", "w2k", "w2k3", "w2k8", "wvista", "win7", "win8", "win10", "win11", "l24", "l26", "solaris"})
    void everyOstype(String ostype) {
        valid(qemu("ostype", ostype));
    }

    @ParameterizedTest
    @CsvSource({"ostype, linux", "bios, uefi", "arch, i386", "scsihw, virtio", "ostype, L26"})
    void enumsAreExact(String key, String value) {
        assertThat(errors(qemu(key, value)).get(key)).startsWith("value '" + value + "' does not have a value in the enumeration");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pc", "q35", "pc-i440fx-7.1", "pc-q35-8.0", "pc-q35-8.0+pve0", "pc-i440fx-2.12",
            "q35,viommu=intel", "type=q35,viommu=virtio", "pc+pve1"})
    void machineTypes(String machine) {
        valid(qemu("machine", machine));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pc-i440fx", "isapc", "q35,viommu=amd", "q35,foo=1", "pc-q35-8.0+pve", "microvm", "virt"})
    void badMachineTypes(String machine) {
        // "virt" is fine by itself but not on the default x86_64 arch... unless arch is unset: then it implies aarch64
        if (machine.equals("virt")) {
            valid(qemu("machine", machine));
            return;
        }
        assertThat(errors(qemu("machine", machine))).containsOnlyKeys("machine");
    }

    @ParameterizedTest
    @ValueSource(strings = {"host", "x86-64-v2-AES", "kvm64", "max", "host,flags=+aes;-pcid", "cputype=qemu64,hidden=1", "custom-mine"})
    void cpuTypes(String cpu) {
        valid(qemu("cpu", cpu));
    }

    @ParameterizedTest
    @ValueSource(strings = {"host,flags=aes", "ho st", "host,bogus=1", "<script>"})
    void badCpuTypes(String cpu) {
        assertThat(errors(qemu("cpu", cpu))).containsOnlyKeys("cpu");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "web-01", "web-01.example.com", "A1"})
    void dnsNames(String name) {
        valid(qemu("name", name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-web", "web-", "we_b", "web 01", "web..01", "web\"01", "<b>", "web\n01"})
    void badNames(String name) {
        assertThat(errors(qemu("name", name))).containsOnlyKeys("name");
    }

    @Test
    void nameLengthLimit() {
        valid(qemu("name", "a".repeat(128)));
        assertThat(errors(qemu("name", "a".repeat(129)))).containsOnlyKeys("name");
    }

    @Test
    void bootOrderDevicesMustExist() {
        valid(qemu("scsi0", "local:1", "net0", "virtio,bridge=vmbr0", "boot", "order=scsi0;net0"));
        assertThat(errors(qemu("scsi0", "local:1", "boot", "order=scsi0;ide2")).get("boot")).contains("ide2");
        assertThat(errors(qemu("scsi0", "local:1", "boot", "order=scsi0;scsi0"))).containsOnlyKeys("boot");
        assertThat(errors(qemu("boot", "order=floppy0"))).containsOnlyKeys("boot");
        valid(qemu("boot", "cdn"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "0", "enabled=1,fstrim_cloned_disks=1", "1,type=virtio"})
    void agent(String value) {
        valid(qemu("agent", value));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "startup|order=1,up=30,down=60", "startup|2", "tags|a;b", "tags|prod web", "hotplug|network,disk,usb",
            "hotplug|0", "vga|std", "vga|qxl,memory=32", "vga|type=virtio", "serial0|socket", "serial3|/dev/ttyS0",
            "efidisk0|local-lvm:1,efitype=4m,pre-enrolled-keys=1", "tpmstate0|local-lvm:1,version=v2.0",
            "hostpci0|0000:01:00.0", "hostpci1|01:00", "hostpci2|host=01:00.1;02:00.0,rombar=0", "hostpci3|01:00,pcie=1,x-vga=1",
            "ciuser|debian", "citype|nocloud", "ciupgrade|0", "ipconfig0|ip=dhcp", "ipconfig31|ip=10.0.0.2/24,gw=10.0.0.1,ip6=auto",
            "nameserver|1.1.1.1 8.8.8.8", "searchdomain|example.com", "sshkeys|ssh-ed25519%20AAAAC3Nza%2B%2Fx%3D%20user%40host%0Assh-rsa%20AAAAB3%3D%3D",
            "vmgenid|1", "vmgenid|c0ffee00-1234-5678-9abc-def012345678", "shares|0", "hugepages|1024",
            "usb0|host=1234:abcd", "usb1|spice", "usb2|host=1-2.3,usb3=1", "usb3|0x1234:0x5678",
            "kvm|1", "acpi|off", "tablet|no", "protection|1"})
    void miscKeysAccepted(String key, String value) {
        String[] kv = key.equals("hostpci3") ? new String[] {"machine", "q35", key, value} : new String[] {key, value};
        valid(qemu(kv));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "startup|order=-1", "tags|a;b$", "hotplug|network,floppy", "vga|std,memory=1024", "serial0|/dev/../etc/passwd",
            "serial4|socket", "serial0|/tmp/x", "efidisk0|local-lvm:1,efitype=3m", "tpmstate0|local-lvm:1,version=3",
            "hostpci0|1:0", "hostpci0|0000:01:00.8", "hostpci0|01:00,pcie=1", "usb0|host=12345:1", "usb0|host=/dev/bus/usb",
            "efidisk0|nowhere:1", "ciuser|root;rm", "ipconfig32|ip=dhcp", "ipconfig0|ip=10.0.0.2", "ipconfig0|gw=10.0.0.300",
            "ipconfig0|ip6=fd00::1", "sshkeys|ssh-ed25519 AAAA", "sshkeys|not%20a%20key", "sshkeys|ssh-ed25519%20AAAA%0", "sshkeys|%0A%00",
            "cipassword|secret", "vmgenid|yes", "hugepages|4", "bootdisk|scsi0", "bootdisk|floppy0"})
    void miscKeysRejected(String key, String value) {
        assertThat(errors(qemu(key, value))).containsOnlyKeys(key);
    }

    @Test
    void descriptionIsFreeTextOnSeveralLinesButWithoutOtherControlCharacters() {
        String text = "<b>hello</b> \"quoted\" & 'single'\nsecond line\r\n\tindented";
        assertThat(valid(qemu("description", text)).config().get("description")).isEqualTo(text);
        assertThat(errors(qemu("description", "bell\u0007"))).containsOnlyKeys("description");
        assertThat(errors(qemu("description", "nul\u0000"))).containsOnlyKeys("description");
    }

    @Test
    void bootdiskMustExist() {
        valid(qemu("scsi0", "local:1", "bootdisk", "scsi0"));
    }

    @Test
    void descriptionLengthLimit() {
        valid(qemu("description", "x".repeat(8192)));
        assertThat(errors(qemu("description", "x".repeat(8193)))).containsOnlyKeys("description");
    }

    @Test
    void efidiskAndTpmstateRequestVolumes() {
        assertThat(valid(qemu("bios", "ovmf", "efidisk0", "local-lvm:1,efitype=4m", "tpmstate0", "local-lvm:1")).newVolumes())
                .containsExactly(new VolumeRequest("efidisk0", "local-lvm", 1), new VolumeRequest("tpmstate0", "local-lvm", 1));
    }

    // ---- NICs and MACs ----

    @ParameterizedTest
    @ValueSource(strings = {"virtio", "e1000", "e1000e", "rtl8139", "vmxnet3"})
    void everyNicModelGetsAGeneratedMac(String model) {
        String net0 = valid(qemu("net0", model + ",bridge=vmbr0")).config().get("net0");
        assertThat(net0).matches(model + "=BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2},bridge=vmbr0");
    }

    @Test
    void generatedMacsAreDeterministicPerSeedAndDifferAcrossNics() {
        Validation.Valid a = valid(qemu("net0", "virtio,bridge=vmbr0", "net1", "virtio,bridge=vmbr0"));
        Validation.Valid b = valid(qemu("net0", "virtio,bridge=vmbr0", "net1", "virtio,bridge=vmbr0"));
        assertThat(a.config()).isEqualTo(b.config());
        assertThat(a.config().nics()).extracting(NicEntry::mac).doesNotHaveDuplicates().allMatch(m -> m.startsWith("BC:24:11:"));
    }

    @Test
    void macGenerationCoversTheWholeSuffixSpace() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 1000; i++) {
            String mac = Macs.generate(r);
            assertThat(mac).matches("BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2}");
            assertThat(Macs.normalize(mac)).isEqualTo(mac);
        }
    }

    @ParameterizedTest
    @CsvSource({"virtio=bc:24:11:aa:bb:cc, virtio=BC:24:11:AA:BB:CC", "e1000=02:00:00:00:00:01, e1000=02:00:00:00:00:01",
            "model=virtio;macaddr=BC:24:11:00:00:01, virtio=BC:24:11:00:00:01"})
    void givenMacsAreKeptAndUpperCased(String first, String normalized) {
        String value = first.replace(';', ',') + ",bridge=vmbr0";
        assertThat(valid(qemu("net0", value)).config().get("net0")).isEqualTo(normalized + ",bridge=vmbr0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"01:00:5E:00:00:01", "FF:FF:FF:FF:FF:FF", "00:00:00:00:00:00", "BC:24:11:00:00", "BC:24:11:00:00:0G",
            "BC-24-11-00-00-01", "BC:24:11:00:00:01:02"})
    void invalidOrMulticastMacsAreRejected(String mac) {
        assertThat(errors(qemu("net0", "virtio=" + mac + ",bridge=vmbr0")).get("net0")).contains("MAC");
    }

    @Test
    void duplicateMacsAreRejected() {
        assertThat(errors(qemu("net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0", "net1", "e1000=BC:24:11:00:00:01,bridge=vmbr1")))
                .containsOnlyKeys("net1");
    }

    @Test
    void nicOptions() {
        GuestConfig c = valid(qemu("net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0.10,tag=4094,rate=12.5,link_down=1,mtu=1500,queues=4,firewall=0"))
                .config();
        NicEntry nic = c.nics().get(0);
        assertThat(nic).isEqualTo(new NicEntry("net0", 0, "virtio", "BC:24:11:00:00:01", "vmbr0.10", 4094,
                java.util.Map.of("bridge", "vmbr0.10", "tag", "4094", "rate", "12.5", "link_down", "1", "mtu", "1500",
                        "queues", "4", "firewall", "0")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"virtio", "virtio,bridge=", "virtio,bridge=1br", "virtio,bridge=abcdefghijklmnop", "virtio,bridge=vm br",
            "pcnet,bridge=vmbr0", "virtio,bridge=vmbr0,tag=0", "virtio,bridge=vmbr0,tag=4095", "virtio,bridge=vmbr0,tag=1.5",
            "virtio,e1000,bridge=vmbr0", "virtio,bridge=vmbr0,firewall=2", "virtio,bridge=vmbr0,bogus=1",
            "virtio,bridge=vmbr0,bridge=vmbr1", "virtio,,bridge=vmbr0", "virtio,bridge=vmbr0,"})
    void badNics(String value) {
        assertThat(errors(qemu("net0", value))).containsOnlyKeys("net0");
    }

    @Test
    void bridgeNameLengthBoundary() {
        valid(qemu("net0", "virtio,bridge=a" + "b".repeat(14)));
        assertThat(errors(qemu("net0", "virtio,bridge=a" + "b".repeat(15)))).containsOnlyKeys("net0");
    }
}
