package org.fabricve.core.hypervisor;

import java.util.List;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;

/**
 * What the fabric asks the hypervisor to define: derived from a guest's validated config.
 * The adapter turns it into its own format (libvirt domain XML) and escapes every value.
 *
 * <p>{@code config} (nullable) is the guest's full validated config: adapters for real hypervisors translate
 * all of it (disks with their options, boot order, serial ports...); the small fields above are what the
 * test driver's domain shape needs.
 */
public record DomainSpec(String name, GuestType type, int vmid, String title, long memoryMiB, int vcpus,
                         List<DiskSpec> disks, List<NicSpec> nics, GuestConfig config) {

    public DomainSpec {
        disks = List.copyOf(disks);
        nics = List.copyOf(nics);
    }

    /** A spec without the full config (the test driver's shape is all a caller needs). */
    public DomainSpec(String name, GuestType type, int vmid, String title, long memoryMiB, int vcpus,
                      List<DiskSpec> disks, List<NicSpec> nics) {
        this(name, type, vmid, title, memoryMiB, vcpus, disks, nics, null);
    }

    /** A disk or CD-ROM: bus is ide|sata|scsi|virtio, index the slot number, path the backing file (may be null for an empty CD-ROM). */
    public record DiskSpec(String bus, int index, String path, boolean cdrom) {}

    /** A NIC: model as Proxmox names it (virtio, e1000, ...), MAC, bridge, optional VLAN tag (0 for none). */
    public record NicSpec(int index, String model, String mac, String bridge, int vlanTag) {}
}
