package org.fabricve.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.core.config.Fixtures.errors;
import static org.fabricve.core.config.Fixtures.params;
import static org.fabricve.core.config.Fixtures.qemu;
import static org.fabricve.core.config.Fixtures.update;
import static org.fabricve.core.config.Fixtures.valid;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** validateUpdate: changes, then deletes, then the whole config is checked again. */
class UpdateTest {

    private static final GuestConfig VM = valid(qemu(
            "memory", "2048", "cores", "2", "ostype", "l26", "scsi0", "local:vm-100-disk-0,size=32G",
            "ide2", "local:iso/debian.iso,media=cdrom", "net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0",
            "usb5", "host=1234:5678", "boot", "order=scsi0;ide2;net0", "description", "web")).config();

    @Test
    void changesAndDeletesApply() {
        GuestConfig c = valid(update(VM, params("memory", "4096", "cores", "4"), List.of("description"))).config();
        assertThat(c.memoryMiB()).isEqualTo(4096);
        assertThat(c.vcpus()).isEqualTo(4);
        assertThat(c.values()).doesNotContainKey("description").containsEntry("scsi0", "local:vm-100-disk-0,size=32G");
        assertThat(VM.memoryMiB()).isEqualTo(2048);
    }

    @Test
    void noChangesAtAllIsValid() {
        assertThat(valid(update(VM, Map.of(), List.of())).config()).isEqualTo(VM);
    }

    @Test
    void aKeyBothChangedAndDeletedIsAnError() {
        assertThat(errors(update(VM, params("memory", "4096"), List.of("memory")))).containsOnlyKeys("memory");
    }

    @Test
    void deletingADiskInTheBootOrderNamesTheDisk() {
        Map<String, String> e = errors(update(VM, Map.of(), List.of("ide2")));
        assertThat(e).containsOnlyKeys("ide2");
        assertThat(e.get("ide2")).contains("boot");
    }

    @Test
    void deletingTheDiskTogetherWithAFixedBootOrderIsFine() {
        GuestConfig c = valid(update(VM, params("boot", "order=scsi0;net0"), List.of("ide2"))).config();
        assertThat(c.values()).doesNotContainKey("ide2").containsEntry("boot", "order=scsi0;net0");
    }

    @Test
    void aNewBootOrderThatStillNamesTheDeletedDiskBlamesBoot() {
        assertThat(errors(update(VM, params("boot", "order=ide2;scsi0"), List.of("ide2")))).containsOnlyKeys("boot");
    }

    @Test
    void deletingBootAndItsDevicesTogetherIsFine() {
        valid(update(VM, Map.of(), List.of("boot", "ide2", "net0")));
    }

    @Test
    void theLegacyBootdiskIsCheckedLikeTheBootOrder() {
        GuestConfig withBootdisk = valid(update(VM, params("bootdisk", "scsi0"), List.of())).config();
        assertThat(errors(update(withBootdisk, Map.of(), List.of("scsi0", "boot")))).containsOnlyKeys("scsi0");
        assertThat(errors(update(VM, params("bootdisk", "scsi1"), List.of()))).containsOnlyKeys("bootdisk");
    }

    @Test
    void theVmidIsChecked() {
        assertThat(errors(GuestConfigValidator.validateUpdate(VM, 99, Map.of(), List.of(), Fixtures.NODE,
                new java.util.SplittableRandom(1)))).containsOnlyKeys("vmid");
        assertThat(errors(GuestConfigValidator.validateCreate(GuestType.QEMU, 1_000_000_000, Map.of(), Fixtures.NODE,
                new java.util.SplittableRandom(1)))).containsOnlyKeys("vmid");
    }

    @Test
    void deletingUnknownKeysIsAnErrorButAbsentKnownKeysAreIgnored() {
        assertThat(errors(update(VM, Map.of(), List.of("bogus")))).containsOnlyKeys("bogus");
        valid(update(VM, Map.of(), List.of("scsi5", "balloon")));
    }

    @Test
    void changingTheOsInvalidatesHighUsbPorts() {
        assertThat(errors(update(VM, params("ostype", "win7"), List.of()))).containsOnlyKeys("usb5");
        assertThat(errors(update(VM, params("machine", "pc-i440fx-7.0"), List.of()))).containsOnlyKeys("usb5");
        valid(update(VM, params("machine", "pc-i440fx-7.1"), List.of()));
    }

    @Test
    void switchingToArmInvalidatesIde() {
        assertThat(errors(update(VM, params("arch", "aarch64"), List.of()))).containsOnlyKeys("ide2");
        valid(update(VM, params("arch", "aarch64", "boot", "order=scsi0"), List.of("ide2")));
    }

    @Test
    void newDisksInAnUpdateAreRequested() {
        Validation.Valid v = valid(update(VM, params("scsi1", "local-lvm:10"), List.of()));
        assertThat(v.newVolumes()).containsExactly(new VolumeRequest("scsi1", "local-lvm", 10));
    }

    @Test
    void updatesAreValidatedPerKeyAndAllErrorsReported() {
        assertThat(errors(update(VM, params("memory", "99999999", "scsi1", "local:../x", "hostname", "a"), List.of("nope"))))
                .containsOnlyKeys("memory", "scsi1", "hostname", "nope");
    }

    @Test
    void nodeLimitsApplyToTheResult() {
        assertThat(errors(update(VM, params("sockets", "4", "cores", "4"), List.of()))).containsOnlyKeys("cores");
        assertThat(errors(update(VM, params("sockets", "4", "cores", "4"), List.of())).get("cores")).contains("16");
        assertThat(errors(update(VM, params("sockets", "4", "cores", "4"), List.of())).get("cores")).contains("8 cpus");
        valid(update(VM, params("sockets", "4"), List.of()));
        GuestConfig threeCores = VM.with("cores", "3");
        assertThat(errors(update(threeCores, params("sockets", "3"), List.of()))).containsOnlyKeys("sockets");
        valid(update(threeCores, params("sockets", "4"), List.of("cores")));
    }

    @Test
    void aSecondNicGetsAFreshMac() {
        GuestConfig c = valid(update(VM, params("net1", "e1000,bridge=vmbr1"), List.of())).config();
        assertThat(c.nics()).extracting(NicEntry::mac).doesNotHaveDuplicates().hasSize(2);
        assertThat(c.get("net0")).isEqualTo(VM.get("net0"));
    }
}
