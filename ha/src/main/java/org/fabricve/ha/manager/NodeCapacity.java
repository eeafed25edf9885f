package org.fabricve.ha.manager;

/** A node's configured size, for the static CRS mode. */
public record NodeCapacity(int cores, long memoryMiB) {
    public static final NodeCapacity DEFAULT = new NodeCapacity(16, 64 * 1024);
}
