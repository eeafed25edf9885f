package org.fabricve.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.core.config.Fixtures.errors;
import static org.fabricve.core.config.Fixtures.qemu;
import static org.fabricve.core.config.Fixtures.valid;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** QEMU disk values: parsing into DiskEntry, volume requests, options, and hostile input. */
class DiskValuesTest {

    private static DiskEntry only(Validation v) {
        return valid(v).config().disks().get(0);
    }

    @Test
    void sizeRequestAllocatesAVolume() {
        Validation.Valid v = valid(qemu("scsi0", "local-lvm:32,cache=writeback"));
        assertThat(v.newVolumes()).containsExactly(new VolumeRequest("scsi0", "local-lvm", 32));
        assertThat(v.config().disks()).containsExactly(
                new DiskEntry("scsi0", "scsi", 0, "local-lvm", null, 32L, false, false, Map.of("cache", "writeback")));
    }

    @Test
    void existingVolumeIsNotAllocated() {
        Validation.Valid v = valid(qemu("virtio1", "local-lvm:vm-100-disk-1,size=10G,iothread=1"));
        assertThat(v.newVolumes()).isEmpty();
        assertThat(v.config().disks()).containsExactly(new DiskEntry("virtio1", "virtio", 1, "local-lvm", "vm-100-disk-1",
                10L, false, false, Map.of("size", "10G", "iothread", "1")));
    }

    @Test
    void isoCdrom() {
        DiskEntry d = only(qemu("ide2", "local:iso/debian-12.5.0-amd64-netinst.iso,media=cdrom"));
        assertThat(d.cdrom()).isTrue();
        assertThat(d.cloudinit()).isFalse();
        assertThat(d.storage()).isEqualTo("local");
        assertThat(d.volume()).isEqualTo("iso/debian-12.5.0-amd64-netinst.iso");
        assertThat(d.sizeGiB()).isNull();
    }

    @Test
    void emptyCdromIsNone() {
        Validation.Valid v = valid(qemu("ide2", "none"));
        assertThat(v.config().get("ide2")).isEqualTo("none,media=cdrom");
        assertThat(v.config().disks()).containsExactly(
                new DiskEntry("ide2", "ide", 2, null, null, null, true, false, Map.of("media", "cdrom")));
        assertThat(v.newVolumes()).isEmpty();
    }

    @Test
    void cloudinitDrive() {
        Validation.Valid v = valid(qemu("ide2", "local-lvm:cloudinit"));
        assertThat(v.config().get("ide2")).isEqualTo("local-lvm:cloudinit,media=cdrom");
        DiskEntry d = v.config().disks().get(0);
        assertThat(d.cloudinit()).isTrue();
        assertThat(d.cdrom()).isTrue();
        assertThat(v.newVolumes()).isEmpty();
        // once allocated, Proxmox names it vm-<id>-cloudinit and it is still recognised
        GuestConfig stored = v.config().with("ide2", "local-lvm:vm-100-cloudinit,media=cdrom");
        assertThat(stored.disks().get(0).cloudinit()).isTrue();
    }

    @Test
    void disksAreSortedByBusThenSlotNumber() {
        GuestConfig c = valid(qemu("scsi10", "local:1", "scsi2", "local:1", "ide0", "local:1", "virtio0", "local:1", "sata1", "local:1"))
                .config();
        assertThat(c.disks()).extracting(DiskEntry::key).containsExactly("ide0", "sata1", "scsi2", "scsi10", "virtio0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "scsi0|local:32,ssd=on,discard=on|local:32,discard=on,ssd=1",
            "scsi0|local:vm-100-disk-0,format=qcow2,backup=no,replicate=0,aio=io_uring,serial=ABC-123|local:vm-100-disk-0,aio=io_uring,backup=0,format=qcow2,replicate=0,serial=ABC-123",
            "sata0|file=local:8,cache=none|local:8,cache=none",
            "virtio0|local:8,cache=directsync,iothread=1,ro=1|local:8,cache=directsync,iothread=1,ro=1",
            "ide0|local:8,cache=unsafe,media=disk|local:8,cache=unsafe,media=disk",
            "scsi1|local:base-100-disk-0/vm-101-disk-0,size=1.5T|local:base-100-disk-0/vm-101-disk-0,size=1.5T"})
    void optionsAreNormalizedAndSorted(String key, String value, String stored) {
        assertThat(valid(qemu(key, value)).config().get(key)).isEqualTo(stored);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "scsi0|local:0", "scsi0|local:-1", "scsi0|local:1048577", "scsi0|local:99999999999999999999",
            "scsi0|nowhere:32", "scsi0|local", "scsi0|32", "scsi0|:32", "scsi0|local:", "scsi0|local:32,cache=fast",
            "scsi0|local:32,discard=off", "scsi0|local:32,media=floppy", "scsi0|local:32,format=vdi", "scsi0|local:32,size=12X",
            "scsi0|local:32,iothread=2", "scsi0|local:32,bogus=1", "ide0|local:32,iothread=1", "virtio0|local:32,ssd=1",
            "virtio0|none", "virtio0|local:iso/x.iso,media=cdrom", "ide2|local:32,media=cdrom", "ide2|none,media=disk",
            "ide2|local:cloudinit,media=disk", "scsi0|local:32,cache=none,cache=writeback", "scsi0|local:32,,cache=none"})
    void badDiskValues(String key, String value) {
        assertThat(errors(qemu(key, value))).containsOnlyKeys(key);
    }

    @Test
    void unknownStorageNamesTheKeyAndTheStorage() {
        assertThat(errors(qemu("scsi3", "ceph:32"))).containsExactlyEntriesOf(Map.of("scsi3", "storage 'ceph' does not exist"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "local:../../etc/passwd", "local:iso/../../etc/shadow", "local:..", "local:a..b", "local:/etc/passwd", "/dev/sda",
            "/etc/passwd", "local:iso/x.iso\"", "local:iso/'x'.iso", "local:<script>", "local:iso/x.iso>y", "local:vm 100",
            "local:vm-100-disk-0\nscsi1: local:1", "local:vm-100-disk-0\r", "local:vm-100\u0000", "local:vm$(reboot)",
            "local:vm;rm", "local:vm`id`", "local:iso//x.iso", "local:iso/", "loc\"al:32", "local:\u00e9t\u00e9.iso",
            "local:x\\y", "local:~root"})
    void hostileVolumesNameTheKey(String value) {
        assertThat(errors(qemu("scsi0", value))).containsOnlyKeys("scsi0");
    }

    @Test
    void overLongValuesAreRejected() {
        String longName = "local:iso/" + "a".repeat(5000) + ".iso";
        assertThat(errors(qemu("ide2", longName + ",media=cdrom")).get("ide2")).contains("4096");
        assertThat(errors(qemu("scsi0", "local:" + "a".repeat(300)))).containsOnlyKeys("scsi0");
        assertThat(errors(qemu("name", "a".repeat(100_000)))).containsOnlyKeys("name");
    }

    @Test
    void errorMessagesDoNotEchoHostileInputVerbatim() {
        String msg = errors(qemu("scsi0", "local:x\u001b[31m" + "y".repeat(100))).get("scsi0");
        assertThat(msg).doesNotContain("\u001b").hasSizeLessThan(200);
        Map<String, String> bad = errors(qemu("evil\nkey", "1"));
        assertThat(bad.keySet()).allMatch(k -> !k.contains("\n"));
    }

    // ---- GuestConfig itself ----

    @Test
    void withAllocatedVolumeKeepsOptionsAndSetsSize() {
        GuestConfig c = valid(qemu("scsi0", "local:32,cache=writeback")).config();
        GuestConfig allocated = c.withAllocatedVolume("scsi0", "local", "vm-100-disk-0", 32);
        assertThat(allocated.get("scsi0")).isEqualTo("local:vm-100-disk-0,cache=writeback,size=32G");
        assertThat(allocated.disks().get(0)).isEqualTo(new DiskEntry("scsi0", "scsi", 0, "local", "vm-100-disk-0", 32L,
                false, false, Map.of("cache", "writeback", "size", "32G")));
        assertThat(c.get("scsi0")).isEqualTo("local:32,cache=writeback"); // the original is untouched
    }

    @Test
    void withAllocatedVolumeRejectsUnsafeNamesAndUnknownKeys() {
        GuestConfig c = GuestConfig.empty(GuestType.QEMU).with("scsi0", "local:32");
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> c.withAllocatedVolume("scsi0", "local", "../etc/passwd", 32));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> c.withAllocatedVolume("scsi1", "local", "vm-100-disk-0", 32));
    }

    @Test
    void guestConfigIsImmutable() {
        java.util.TreeMap<String, String> source = new java.util.TreeMap<>(Map.of("memory", "1024"));
        GuestConfig c = new GuestConfig(GuestType.QEMU, source);
        source.put("memory", "2048");
        assertThat(c.memoryMiB()).isEqualTo(1024);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.values().put("cores", "2"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(c.with("cores", "2").without("memory").values()).containsExactlyEntriesOf(Map.of("cores", "2"));
        assertThat(c).isEqualTo(GuestConfig.of(GuestType.QEMU, Map.of("memory", "1024")));
    }
}
