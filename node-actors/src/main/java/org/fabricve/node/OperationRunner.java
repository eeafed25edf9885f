package org.fabricve.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.fabricve.core.config.DiskEntry;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.config.VolumeRequest;
import org.fabricve.core.guest.ActiveOperation;
import org.fabricve.core.guest.DomainSpecs;
import org.fabricve.core.guest.Guest;
import org.fabricve.core.guest.Hotplug;
import org.fabricve.core.hypervisor.DomainStatus;
import org.fabricve.core.hypervisor.Hypervisor;
import org.fabricve.core.hypervisor.HypervisorException;
import org.fabricve.core.hypervisor.PoolInfo;
import org.fabricve.core.hypervisor.VolumeInfo;
import org.fabricve.core.task.TaskRecord;

/**
 * Carries out one guest operation against the hypervisor, synchronously (the agent runs it on its blocking
 * executor), and says how it ended. Storage ids map one to one onto the host's pools.
 */
final class OperationRunner {

    private static final long GIB = 1024L * 1024 * 1024;

    private final Hypervisor hypervisor;

    OperationRunner(Hypervisor hypervisor) {
        this.hypervisor = hypervisor;
    }

    GuestEntity.ReportResult run(Guest guest, ActiveOperation op) {
        String upid = op.task().upid();
        String domain = Guest.domainName(guest.vmid());
        List<String> log = new ArrayList<>();
        List<VolumeInfo> created = new ArrayList<>();
        try {
            GuestConfig finalConfig = null;
            GuestConfig runningConfig = null;
            switch (op.operation()) {
                case CREATE, CONFIG -> {
                    finalConfig = allocate(guest, op.targetConfig(), op.newVolumes(), created, log);
                    hypervisor.define(spec(guest.withConfig(finalConfig)));
                    log.add("defined domain " + domain);
                    if (op.operation() == org.fabricve.core.guest.GuestOperation.CONFIG
                            && observe(domain).map(org.fabricve.core.hypervisor.RunState::active).orElse(false)) {
                        runningConfig = hotplug(guest, finalConfig, log);
                    }
                    if (op.startAfter()) {
                        hypervisor.start(domain);
                        log.add("started " + guest.label());
                    }
                }
                case START -> {
                    if (hypervisor.domain(domain).isEmpty()) {
                        hypervisor.define(spec(guest));
                        log.add("domain " + domain + " was missing; redefined from the config");
                    }
                    hypervisor.start(domain);
                }
                case STOP -> hypervisor.stop(domain);
                case SHUTDOWN -> hypervisor.shutdown(domain); // the node agent waits for it (NodeAgent.beginShutdown)
                case REBOOT -> hypervisor.reboot(domain);
                case SUSPEND -> hypervisor.suspend(domain);
                case RESUME -> hypervisor.resume(domain);
                case RESET -> hypervisor.reset(domain);
                case HIBERNATE -> {
                    hypervisor.hibernate(domain);
                    log.add("saved the memory of " + guest.label() + " to disk; start resumes it");
                }
                case DELETE -> {
                    hypervisor.undefine(domain);
                    for (DiskEntry disk : guest.config().disks()) {
                        if (ownedBy(guest.vmid(), disk)) {
                            hypervisor.deleteVolume(disk.storage(), disk.volume());
                            log.add("removed volume " + disk.storage() + ":" + disk.volume());
                        }
                    }
                }
            }
            return new GuestEntity.ReportResult(upid, TaskRecord.OK, log, finalConfig, null, runningConfig);
        } catch (RuntimeException e) {
            for (VolumeInfo v : created) {
                try {
                    hypervisor.deleteVolume(v.pool(), v.name());
                } catch (RuntimeException cleanup) {
                    log.add("could not remove volume " + v.pool() + ":" + v.name() + ": " + cleanup.getMessage());
                }
            }
            if (op.operation() == org.fabricve.core.guest.GuestOperation.CREATE) {
                try {
                    hypervisor.undefine(domain);
                } catch (RuntimeException ignored) {
                    // nothing was defined
                }
            }
            String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            return new GuestEntity.ReportResult(upid, message, log, null, observe(domain).orElse(null));
        }
    }

    /**
     * Makes live what the running guest can take (see {@link Hotplug}); says in the log what waits for the next
     * start, and returns what its domain runs with now.
     */
    private GuestConfig hotplug(Guest guest, GuestConfig target, List<String> log) {
        String domain = Guest.domainName(guest.vmid());
        GuestConfig running = guest.liveConfig();
        Hotplug.Plan plan = Hotplug.plan(guest.type(), running, target);
        List<String> done = new ArrayList<>();
        for (Hotplug.Change change : plan.hot()) {
            try {
                switch (change.action()) {
                    case ATTACH -> hypervisor.attachDevice(domain, spec(guest.withConfig(target)), change.key());
                    case DETACH -> hypervisor.detachDevice(domain, change.key());
                    case SET_VCPUS -> hypervisor.setVcpus(domain, target.get("vcpus") != null
                            ? Integer.parseInt(target.get("vcpus")) : target.vcpus());
                    case ADD_MEMORY -> hypervisor.addMemory(domain, target.memoryMiB() - running.memoryMiB());
                }
                done.add(change.key());
                log.add((change.action() == Hotplug.Action.DETACH ? "unplugged " : "hotplugged ") + change.key());
            } catch (RuntimeException e) {
                log.add(e.getMessage() + " - " + change.key() + " is pending until the next start");
            }
        }
        if (!plan.pending().isEmpty()) {
            log.add("pending until the next start: " + String.join(", ", plan.pending()));
        }
        return Hotplug.applied(running, target, plan, done);
    }

    void define(Guest guest) {
        hypervisor.define(spec(guest));
    }

    private Optional<org.fabricve.core.hypervisor.RunState> observe(String domain) {
        try {
            return hypervisor.domain(domain).map(DomainStatus::state);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private GuestConfig allocate(Guest guest, GuestConfig target, List<VolumeRequest> requests,
                                 List<VolumeInfo> created, List<String> log) {
        GuestConfig config = target;
        Map<String, Set<String>> taken = new HashMap<>();
        // a container's root first, so that it is disk-0 as in Proxmox (mp0 sorts before rootfs)
        List<VolumeRequest> ordered = new ArrayList<>(requests);
        ordered.sort(java.util.Comparator.comparing(r -> !r.key().equals("rootfs")));
        for (VolumeRequest request : ordered) {
            Set<String> names = taken.computeIfAbsent(request.storage(), pool -> existingNames(pool));
            String name = nextVolumeName(guest.vmid(), names);
            names.add(name);
            boolean containerFs = guest.type() == GuestType.LXC;
            VolumeInfo volume = hypervisor.createVolume(request.storage(), name, request.sizeGiB() * GIB,
                    containerFs ? Hypervisor.SUBVOL : "raw");
            created.add(volume);
            log.add("allocated volume " + request.storage() + ":" + name + " (" + request.sizeGiB() + "G) for "
                    + request.key());
            config = config.withAllocatedVolume(request.key(), request.storage(), name, request.sizeGiB());
            String template = target.get("ostemplate");
            if (containerFs && request.key().equals("rootfs") && template != null) {
                long t0 = System.nanoTime();
                int colon = template.indexOf(':');
                hypervisor.unpackTemplate(template.substring(0, colon), template.substring(colon + 1),
                        request.storage(), name, target.get("hostname"), "1".equals(target.get("unprivileged")));
                log.add("unpacked " + template + " into " + request.storage() + ":" + name + " in "
                        + (System.nanoTime() - t0) / 1_000_000 + " ms");
            }
        }
        return config;
    }

    private Set<String> existingNames(String pool) {
        Set<String> names = new HashSet<>();
        for (VolumeInfo v : hypervisor.volumes(pool)) {
            names.add(v.name());
        }
        return names;
    }

    static String nextVolumeName(int vmid, Set<String> taken) {
        for (int i = 0; ; i++) {
            String name = "vm-" + vmid + "-disk-" + i;
            if (!taken.contains(name)) {
                return name;
            }
        }
    }

    static boolean ownedBy(int vmid, DiskEntry disk) {
        return disk.storage() != null && disk.volume() != null && disk.volume().startsWith("vm-" + vmid + "-");
    }

    private org.fabricve.core.hypervisor.DomainSpec spec(Guest guest) {
        Map<String, String> poolPaths = new HashMap<>();
        return DomainSpecs.of(guest, (storage, volume) -> {
            String dir = poolPaths.computeIfAbsent(storage, this::poolPath);
            if (dir == null) {
                throw new HypervisorException("storage '" + storage + "' does not exist on this node");
            }
            return dir + "/" + volume;
        });
    }

    private String poolPath(String storage) {
        for (PoolInfo p : hypervisor.pools()) {
            if (p.name().equals(storage)) {
                return p.path();
            }
        }
        return null;
    }
}
