package org.fabricve.core.config;

/**
 * A volume the caller must allocate before the config can be persisted: "scsi0: local:32" becomes
 * ("scsi0", "local", 32). After allocation, {@link GuestConfig#withAllocatedVolume} records the real name.
 */
public record VolumeRequest(String key, String storage, long sizeGiB) {}
