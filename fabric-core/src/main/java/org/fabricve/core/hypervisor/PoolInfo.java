package org.fabricve.core.hypervisor;

/** A storage pool of a host. */
public record PoolInfo(String name, String type, String path, long capacityBytes, long allocationBytes,
                       long availableBytes, boolean active) {}
