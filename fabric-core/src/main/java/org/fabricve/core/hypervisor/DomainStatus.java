package org.fabricve.core.hypervisor;

/**
 * One domain as the hypervisor sees it right now. cpuTimeNanos and memoryBytes are 0 when not running; {@code io}
 * is read only for one domain asked by name ({@link IoCounters#NONE} in a listing).
 */
public record DomainStatus(String name, String uuid, RunState state, int vcpus, long maxMemoryBytes,
                           long memoryBytes, long cpuTimeNanos, IoCounters io, long uptimeSeconds) {

    public DomainStatus(String name, String uuid, RunState state, int vcpus, long maxMemoryBytes, long memoryBytes,
                        long cpuTimeNanos, IoCounters io) {
        this(name, uuid, state, vcpus, maxMemoryBytes, memoryBytes, cpuTimeNanos, io, 0);
    }

    public DomainStatus withIo(IoCounters counters) {
        return new DomainStatus(name, uuid, state, vcpus, maxMemoryBytes, memoryBytes, cpuTimeNanos, counters,
                uptimeSeconds);
    }

    public DomainStatus withUptime(long seconds) {
        return new DomainStatus(name, uuid, state, vcpus, maxMemoryBytes, memoryBytes, cpuTimeNanos, io, seconds);
    }
}
