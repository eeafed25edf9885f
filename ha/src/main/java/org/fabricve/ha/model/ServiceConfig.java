package org.fabricve.ha.model;

/**
 * An HA resource as configured (Proxmox's resources.cfg entry). {@code node} is where the guest is
 * configured when it is added; afterwards the manager owns the location. {@code cores} and
 * {@code memoryMiB} are the guest's configured size, used by the {@code static} CRS mode.
 */
public record ServiceConfig(Sid sid, String node, RequestedState state, int maxRestart, int maxRelocate,
                            String comment, int cores, int memoryMiB) {

    public static final int DEFAULT_MAX_RESTART = 1;
    public static final int DEFAULT_MAX_RELOCATE = 1;
    public static final int DEFAULT_CORES = 1;
    public static final int DEFAULT_MEMORY_MIB = 512;

    public ServiceConfig {
        if (sid == null) throw new IllegalArgumentException("sid: missing");
        if (node == null || node.isBlank()) throw new IllegalArgumentException(sid + ": node is missing");
        if (state == null) throw new IllegalArgumentException(sid + ": state is missing");
        if (maxRestart < 0 || maxRestart > 10) throw new IllegalArgumentException(sid + ": max_restart must be 0..10");
        if (maxRelocate < 0 || maxRelocate > 10) throw new IllegalArgumentException(sid + ": max_relocate must be 0..10");
        if (cores < 1) throw new IllegalArgumentException(sid + ": cores must be at least 1");
        if (memoryMiB < 16) throw new IllegalArgumentException(sid + ": memory must be at least 16 MiB");
        comment = comment == null ? "" : comment;
    }

    public static ServiceConfig of(Sid sid, String node, RequestedState state) {
        return new ServiceConfig(sid, node, state, DEFAULT_MAX_RESTART, DEFAULT_MAX_RELOCATE, "",
                DEFAULT_CORES, DEFAULT_MEMORY_MIB);
    }

    public ServiceConfig withState(RequestedState s) {
        return new ServiceConfig(sid, node, s, maxRestart, maxRelocate, comment, cores, memoryMiB);
    }

    public ServiceConfig withNode(String n) {
        return new ServiceConfig(sid, n, state, maxRestart, maxRelocate, comment, cores, memoryMiB);
    }
}
