package org.fabricve.core.hypervisor;

/** One domain as the hypervisor sees it right now. cpuTimeNanos and memoryBytes are 0 when not running. */
public record DomainStatus(String name, String uuid, RunState state, int vcpus, long maxMemoryBytes,
                           long memoryBytes, long cpuTimeNanos) {}
