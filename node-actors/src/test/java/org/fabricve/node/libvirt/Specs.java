package org.fabricve.node.libvirt;

import java.util.List;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.hypervisor.DomainSpec;
import org.fabricve.core.hypervisor.DomainSpec.DiskSpec;
import org.fabricve.core.hypervisor.DomainSpec.NicSpec;

final class Specs {
    private Specs() {}

    static DomainSpec simple(String name, int vmid) {
        return new DomainSpec(name, GuestType.QEMU, vmid, null, 512, 1, List.of(), List.of());
    }

    static DomainSpec full(String name, int vmid, String title) {
        return new DomainSpec(name, GuestType.QEMU, vmid, title, 2048, 2,
                List.of(new DiskSpec("scsi", 0, "/var/lib/vz/images/" + vmid + "/vm-" + vmid + "-disk-0.qcow2", false),
                        new DiskSpec("sata", 0, "/var/lib/vz/images/" + vmid + "/vm-" + vmid + "-disk-1.raw", false),
                        new DiskSpec("ide", 2, "/var/lib/vz/template/iso/debian.iso", true),
                        new DiskSpec("virtio", 1, "/dev/zvol/data", false)),
                List.of(new NicSpec(0, "virtio", "52:54:00:12:34:56", "vmbr0", 10),
                        new NicSpec(1, "e1000", "52:54:00:12:34:57", "vmbr1", 0)));
    }
}
