package org.fabricve.core.hypervisor;

/** A volume in a pool. */
public record VolumeInfo(String pool, String name, String path, long capacityBytes, long allocationBytes,
                         String format) {}
