package org.fabricve.core.hypervisor;

/**
 * A running domain's I/O since it started, summed over its disks and its network interfaces (bytes), as libvirt's
 * block and interface statistics count them; Proxmox's {@code diskread}, {@code diskwrite}, {@code netin} and
 * {@code netout}.
 */
public record IoCounters(long diskReadBytes, long diskWriteBytes, long netInBytes, long netOutBytes) {

    /** Not counted: the domain does not run, or it was listed with others (a listing reads no statistics). */
    public static final IoCounters NONE = new IoCounters(0, 0, 0, 0);

    public IoCounters plus(IoCounters o) {
        return new IoCounters(diskReadBytes + o.diskReadBytes, diskWriteBytes + o.diskWriteBytes,
                netInBytes + o.netInBytes, netOutBytes + o.netOutBytes);
    }
}
