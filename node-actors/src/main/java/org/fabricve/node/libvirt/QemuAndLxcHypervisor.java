package org.fabricve.node.libvirt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.hypervisor.DomainSpec;
import org.fabricve.core.hypervisor.DomainStatus;
import org.fabricve.core.hypervisor.HostInfo;
import org.fabricve.core.hypervisor.Hypervisor;
import org.fabricve.core.hypervisor.HypervisorException;
import org.fabricve.core.hypervisor.PoolInfo;
import org.fabricve.core.hypervisor.VolumeInfo;

/**
 * One real host as the fabric sees it: its VMs on a QEMU connection ({@code qemu:///system}) and its containers
 * on an LXC connection ({@code lxc:///}) of the same libvirtd, which are two drivers with two domain lists.
 * Storage pools belong to libvirtd, not to a driver, so storage goes through the QEMU connection.
 *
 * <p>A domain name is on at most one of the two (vmids are unique across guest types); which one is
 * remembered when the fabric defines it and looked up otherwise (a restart, a domain defined by hand).
 */
public final class QemuAndLxcHypervisor implements Hypervisor {

    private final LibvirtHypervisor vms;
    private final LibvirtHypervisor containers;
    private final String whyNoContainers;
    private final ConcurrentHashMap<String, Boolean> isContainer = new ConcurrentHashMap<>();

    /**
     * @param containers the LXC connection, or null when this host runs no containers
     * @param whyNoContainers what a container operation is told when {@code containers} is null
     */
    public QemuAndLxcHypervisor(LibvirtHypervisor vms, LibvirtHypervisor containers, String whyNoContainers) {
        this.vms = vms;
        this.containers = containers;
        this.whyNoContainers = whyNoContainers;
    }

    /** The QEMU connection (storage, host facts). */
    public LibvirtHypervisor vms() {
        return vms;
    }

    /** The LXC connection, if this host runs containers. */
    public Optional<LibvirtHypervisor> containers() {
        return Optional.ofNullable(containers);
    }

    private Hypervisor owner(String name) {
        boolean container = isContainer.computeIfAbsent(name, n -> containers != null && containers.defines(n));
        return container ? containers : vms;
    }

    private LibvirtHypervisor containersOrFail(String what) {
        if (containers == null) {
            throw new HypervisorException("cannot " + what + ": this node runs no containers (" + whyNoContainers + ")");
        }
        return containers;
    }

    @Override
    public HostInfo hostInfo() {
        return vms.hostInfo();
    }

    @Override
    public List<DomainStatus> listDomains() {
        return fromBoth(Hypervisor::listDomains);
    }

    @Override
    public List<DomainStatus> activeDomains() {
        return fromBoth(Hypervisor::activeDomains);
    }

    private List<DomainStatus> fromBoth(java.util.function.Function<Hypervisor, List<DomainStatus>> list) {
        List<DomainStatus> all = new ArrayList<>(list.apply(vms));
        if (containers != null) {
            all.addAll(list.apply(containers));
        }
        return all;
    }


    @Override
    public Optional<DomainStatus> domain(String name) {
        return owner(name).domain(name);
    }

    @Override
    public void define(DomainSpec spec) {
        boolean container = spec.type() == GuestType.LXC;
        (container ? containersOrFail("define container " + spec.name()) : vms).define(spec);
        isContainer.put(spec.name(), container);
    }

    @Override
    public void undefine(String name) {
        owner(name).undefine(name);
        isContainer.remove(name);
    }

    @Override
    public void start(String name) {
        owner(name).start(name);
    }

    @Override
    public void stop(String name) {
        owner(name).stop(name);
    }

    @Override
    public void shutdown(String name) {
        owner(name).shutdown(name);
    }

    @Override
    public void reboot(String name) {
        owner(name).reboot(name);
    }

    @Override
    public void reset(String name) {
        owner(name).reset(name);
    }

    @Override
    public void hibernate(String name) {
        owner(name).hibernate(name);
    }

    @Override
    public void suspend(String name) {
        owner(name).suspend(name);
    }

    @Override
    public void resume(String name) {
        owner(name).resume(name);
    }

    @Override
    public Optional<String> serialConsole(String name) {
        return owner(name).serialConsole(name);
    }

    @Override
    public void attachDevice(String name, DomainSpec target, String key) {
        owner(name).attachDevice(name, target, key);
    }

    @Override
    public void detachDevice(String name, String key) {
        owner(name).detachDevice(name, key);
    }

    @Override
    public void setVcpus(String name, int count) {
        owner(name).setVcpus(name, count);
    }

    @Override
    public void addMemory(String name, long mib) {
        owner(name).addMemory(name, mib);
    }

    @Override
    public List<PoolInfo> pools() {
        return vms.pools();
    }

    @Override
    public VolumeInfo createVolume(String pool, String volumeName, long capacityBytes, String format) {
        return vms.createVolume(pool, volumeName, capacityBytes, format);
    }

    @Override
    public void unpackTemplate(String templateStorage, String templateVolume, String pool, String volumeName,
                               String hostname, boolean unprivileged) {
        containersOrFail("create a container from " + templateStorage + ":" + templateVolume);
        vms.unpackTemplate(templateStorage, templateVolume, pool, volumeName, hostname, unprivileged);
    }

    @Override
    public void deleteVolume(String pool, String volumeName) {
        vms.deleteVolume(pool, volumeName);
    }

    @Override
    public List<VolumeInfo> volumes(String pool) {
        return vms.volumes(pool);
    }

    @Override
    public void close() {
        try {
            vms.close();
        } finally {
            if (containers != null) {
                containers.close();
            }
        }
    }
}
