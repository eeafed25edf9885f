package org.fabricve.core.hypervisor;

/** A host's capacity as the hypervisor reports it. */
public record HostInfo(String hostname, int cpus, long memoryBytes, String cpuModel) {}
