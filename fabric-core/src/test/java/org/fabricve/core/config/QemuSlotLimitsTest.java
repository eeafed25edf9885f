package org.fabricve.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.core.config.Fixtures.errors;
import static org.fabricve.core.config.Fixtures.qemu;
import static org.fabricve.core.config.Fixtures.valid;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The last valid and the first invalid slot of every bus, on x86 and on ARM virt machines. */
class QemuSlotLimitsTest {

    private static final String NIC = "virtio,bridge=vmbr0";
    private static final String USB = "host=1234:5678";
    private static final String PCI = "0000:01:00.0";

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
            "ide0, pc", "ide3, pc", "ide3, q35", "ide3, pc-i440fx-2.12",
            "sata0, pc", "sata5, pc", "sata5, q35", "sata5, virt",
            "scsi0, pc", "scsi30, pc", "scsi30, q35", "scsi30, virt",
            "virtio0, pc", "virtio15, pc", "virtio15, q35", "virtio15, virt"})
    void lastDiskSlotsAreValid(String key, String machine) {
        valid(qemu("machine", machine, key, "local:1"));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"ide4, pc", "ide4, q35", "sata6, pc", "sata6, virt", "scsi31, pc", "scsi31, virt",
            "virtio16, pc", "virtio16, virt", "ide10, pc", "scsi100, q35"})
    void firstDiskSlotPastTheLimitIsNotInTheSchema(String key, String machine) {
        assertThat(errors(qemu("machine", machine, key, "local:1")))
                .containsEntry(key, GuestConfigValidator.UNKNOWN_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ide0", "ide2", "ide3"})
    void virtMachinesHaveNoIde(String key) {
        assertThat(errors(qemu("machine", "virt", key, "local:iso/debian.iso,media=cdrom"))).containsKey(key).hasSize(1);
        assertThat(errors(qemu("arch", "aarch64", key, "local:1"))).containsKey(key).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local:cloudinit", "none", "local:iso/debian.iso,media=cdrom"})
    void cloudinitAndCdromOnIdeFailOnArmButNotOnX86(String value) {
        assertThat(errors(qemu("arch", "aarch64", "ide2", value))).containsOnlyKeys("ide2");
        valid(qemu("arch", "x86_64", "ide2", value));
        valid(qemu("arch", "aarch64", "scsi1", value)); // where ARM guests put them instead
    }

    @ParameterizedTest
    @ValueSource(strings = {"pc", "q35", "pc-q35-8.0"})
    void archAndMachineMustAgree(String machine) {
        assertThat(errors(qemu("arch", "aarch64", "machine", machine))).containsOnlyKeys("machine");
        assertThat(errors(qemu("arch", "x86_64", "machine", "virt-7.2"))).containsOnlyKeys("machine");
        valid(qemu("arch", "aarch64", "machine", "virt-7.2+pve1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pc", "q35", "virt"})
    void net31IsTheLastNic(String machine) {
        valid(qemu("machine", machine, "net31", NIC));
        assertThat(errors(qemu("machine", machine, "net32", NIC))).containsEntry("net32", GuestConfigValidator.UNKNOWN_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pc", "q35"})
    void hostpci15IsTheLastPassthroughSlot(String machine) {
        valid(qemu("machine", machine, "hostpci0", PCI, "hostpci15", PCI));
        assertThat(errors(qemu("machine", machine, "hostpci16", PCI))).containsEntry("hostpci16", GuestConfigValidator.UNKNOWN_KEY);
    }

    @ParameterizedTest(name = "machine={0} ostype={1}")
    @CsvSource({
            // unpinned machine types are the newest version, so >= 7.1
            "'', l26", "pc, l26", "q35, win11", "q35, win10", "pc, win8",
            "pc-i440fx-7.1, l26", "pc-q35-7.1, win10", "pc-q35-8.0+pve0, l26", "pc-i440fx-10.0, win11", "q35;viommu=intel, l26"})
    void fourteenUsbPortsWithNewMachineAndModernOs(String machine, String ostype) {
        String m = machine.replace(';', ',');
        Validation v = m.isEmpty() ? qemu("ostype", ostype, "usb13", USB) : qemu("machine", m, "ostype", ostype, "usb13", USB);
        valid(v);
        assertThat(errors(qemu("ostype", ostype, "usb14", USB))).containsEntry("usb14", GuestConfigValidator.UNKNOWN_KEY);
    }

    @ParameterizedTest(name = "machine={0} ostype={1}")
    @CsvSource({
            "pc-i440fx-7.0, l26", "pc-q35-6.2, win11", "pc-i440fx-2.12, l26",
            "pc, win7", "q35, other", "pc, wxp", "pc, w2k8", "pc, l24", "pc, solaris", "'', ''"})
    void fiveUsbPortsOtherwise(String machine, String ostype) {
        java.util.List<String> base = new java.util.ArrayList<>();
        if (!machine.isEmpty()) {
            base.addAll(java.util.List.of("machine", machine));
        }
        if (!ostype.isEmpty()) {
            base.addAll(java.util.List.of("ostype", ostype));
        }
        java.util.List<String> ok = new java.util.ArrayList<>(base);
        ok.addAll(java.util.List.of("usb0", USB, "usb4", USB));
        valid(qemu(ok.toArray(String[]::new)));
        java.util.List<String> bad = new java.util.ArrayList<>(base);
        bad.addAll(java.util.List.of("usb5", USB));
        assertThat(errors(qemu(bad.toArray(String[]::new)))).containsOnlyKeys("usb5");
    }

    @org.junit.jupiter.api.Test
    void aCloudinitDriveTakesASlotAndThereIsOnlyOne() {
        valid(qemu("ide2", "local:cloudinit", "ide0", "local:1", "ide1", "local:1", "ide3", "local:1"));
        assertThat(errors(qemu("ide2", "local:cloudinit", "ide4", "local:1"))).containsOnlyKeys("ide4");
        assertThat(errors(qemu("ide2", "local:cloudinit", "scsi1", "local-lvm:cloudinit"))).containsOnlyKeys("scsi1");
        assertThat(errors(qemu("virtio1", "local:cloudinit"))).containsOnlyKeys("virtio1");
    }
}
