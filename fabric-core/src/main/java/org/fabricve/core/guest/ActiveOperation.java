package org.fabricve.core.guest;

import java.util.List;
import org.fabricve.core.FabricSerializable;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.VolumeRequest;
import org.fabricve.core.task.TaskRecord;

/**
 * The one operation a guest may have in flight. {@code targetConfig} is the config the operation will
 * leave behind on success (create, config change), or null when the config does not change.
 * {@code startAfter}: a create that also starts the guest in the same task (Proxmox's {@code start=1}).
 */
public record ActiveOperation(GuestOperation operation, TaskRecord task, GuestConfig targetConfig,
                              List<VolumeRequest> newVolumes, boolean startAfter, ShutdownOptions shutdown)
        implements FabricSerializable {
    public ActiveOperation {
        newVolumes = List.copyOf(newVolumes);
    }

    public ActiveOperation(GuestOperation operation, TaskRecord task, GuestConfig targetConfig,
                           List<VolumeRequest> newVolumes, boolean startAfter) {
        this(operation, task, targetConfig, newVolumes, startAfter, null);
    }

    /** How this shutdown waits; Proxmox's defaults when it was asked without options. */
    public ShutdownOptions shutdownOrDefault() {
        return shutdown != null ? shutdown : ShutdownOptions.DEFAULT;
    }

    public ActiveOperation(GuestOperation operation, TaskRecord task, GuestConfig targetConfig,
                           List<VolumeRequest> newVolumes) {
        this(operation, task, targetConfig, newVolumes, false);
    }
}
