package org.fabricve.core.config;

import java.util.Set;

/** What the target node can offer: its host capacity and the storage ids that exist there. */
public record NodeLimits(int cpus, long memoryMiB, Set<String> storages) {

    public NodeLimits {
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus must be >= 1: " + cpus);
        }
        if (memoryMiB < 16) {
            throw new IllegalArgumentException("memoryMiB must be >= 16: " + memoryMiB);
        }
        storages = Set.copyOf(storages);
    }
}
