package org.fabricve.core.guest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import org.fabricve.core.config.DiskEntry;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.config.NicEntry;
import org.fabricve.core.hypervisor.DomainSpec;

/** Derives what the hypervisor is asked to define from a guest's config. */
public final class DomainSpecs {

    private static final Set<String> VM_BUSES = Set.of("ide", "sata", "scsi", "virtio");

    private DomainSpecs() {}

    /**
     * @param volumePath resolves (storage, volume) to the volume's path on this host
     */
    public static DomainSpec of(Guest guest, BiFunction<String, String, String> volumePath) {
        var disks = new ArrayList<DomainSpec.DiskSpec>();
        if (guest.type() == GuestType.QEMU) {
            for (DiskEntry disk : guest.config().disks()) {
                if (!VM_BUSES.contains(disk.bus())) {
                    continue;
                }
                String path = disk.storage() != null && disk.volume() != null
                        ? volumePath.apply(disk.storage(), disk.volume()) : null;
                disks.add(new DomainSpec.DiskSpec(disk.bus(), disk.index(), path, disk.cdrom() || disk.cloudinit()));
            }
        }
        List<DomainSpec.NicSpec> nics = new ArrayList<>();
        for (NicEntry nic : guest.config().nics()) {
            nics.add(new DomainSpec.NicSpec(nic.index(), nic.model(), nic.mac(), nic.bridge(), nic.vlanTag()));
        }
        String title = guest.config().name() != null ? guest.config().name() : Guest.label(guest.type(), guest.vmid());
        return new DomainSpec(Guest.domainName(guest.vmid()), guest.type(), guest.vmid(), title,
                guest.config().memoryMiB(), guest.config().vcpus(), disks, nics, guest.config());
    }
}
