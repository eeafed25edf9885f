package org.fabricve.core.hypervisor;

import java.util.List;
import java.util.Optional;

/**
 * The port through which a node agent drives the hypervisor of its own host.
 * Implementations block (libvirt is a synchronous C API): callers must run them on a dedicated
 * dispatcher, never inside an actor's message handler. Every method throws
 * {@link HypervisorException} with a message fit for a task log when the hypervisor refuses.
 */
public interface Hypervisor extends AutoCloseable {

    /** What the host offers: CPUs, memory, host name. */
    HostInfo hostInfo();

    /** Every domain the hypervisor knows, whoever defined it. */
    List<DomainStatus> listDomains();

    /**
     * The domains that run now (running or paused). The HA agent asks this every round, so an implementation
     * should answer it without looking at every stopped domain.
     */
    default List<DomainStatus> activeDomains() {
        return listDomains().stream().filter(d -> d.state().active()).toList();
    }

    Optional<DomainStatus> domain(String name);

    /** Defines (or redefines, when the name exists) a persistent domain; leaves its run state alone. */
    void define(DomainSpec spec);

    /** Destroys the domain if it runs, then undefines it. Absent domains are not an error. */
    void undefine(String name);

    /** Starts a defined domain. Starting a running domain is not an error. */
    void start(String name);

    /** Hard stop (power off). Stopping a stopped domain is not an error. */
    void stop(String name);

    /** Asks the guest to shut down (ACPI); returns without waiting for it. */
    void shutdown(String name);

    void reboot(String name);

    /** Hard reset, like pressing the reset button; the domain keeps running. */
    void reset(String name);

    /**
     * Hibernates: saves the running domain's memory to disk and stops it; the next {@link #start} resumes
     * from that image. Hibernating a stopped domain is an error.
     */
    void hibernate(String name);

    void suspend(String name);

    void resume(String name);

    /**
     * The host path of the running domain's first serial console (a pty), where its ttyS0 can be read and
     * typed; empty when the domain does not run or has no such console (simulated hosts have none).
     */
    Optional<String> serialConsole(String name);

    /**
     * Hotplugs into the running domain the device that config key {@code key} (a disk or NIC) has in
     * {@code target}, the guest's new config; the persistent definition is {@link #define}'s business.
     */
    void attachDevice(String name, DomainSpec target, String key);

    /** Unplugs from the running domain the device of config key {@code key}; an absent one is not an error. */
    void detachDevice(String name, String key);

    /** Sets the running domain's vCPU count (within the maximum it was started with). */
    void setVcpus(String name, int count);

    /** Adds memory to the running domain (a DIMM; the domain was made with memory hotplug). */
    void addMemory(String name, long mib);

    /** Storage pools of this host. */
    List<PoolInfo> pools();

    /**
     * Creates a volume of the given size in a pool and returns it (with its path). Format {@link #SUBVOL} is a
     * container's root or mount point: a directory on hosts that run containers (its size is not enforced).
     */
    VolumeInfo createVolume(String pool, String volumeName, long capacityBytes, String format);

    /** The volume format of a container's file system volumes (Proxmox's name for a directory volume). */
    String SUBVOL = "subvol";

    /**
     * Fills a freshly created {@link #SUBVOL} volume with a container template (Proxmox's {@code ostemplate},
     * a tar archive in a storage's {@code vztmpl} content), then writes {@code hostname} (nullable) into its
     * /etc/hostname and, for an {@code unprivileged} container, shifts its owners into the container's id map.
     * Hosts that run no containers have nothing to fill.
     */
    void unpackTemplate(String templateStorage, String templateVolume, String pool, String volumeName,
                        String hostname, boolean unprivileged);

    /** Deletes a volume; an absent volume is not an error. */
    void deleteVolume(String pool, String volumeName);

    List<VolumeInfo> volumes(String pool);

    @Override
    void close();
}
