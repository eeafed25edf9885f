package org.fabricve.core.guest;

import java.util.List;
import org.fabricve.core.FabricSerializable;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.VolumeRequest;
import org.fabricve.core.task.TaskRecord;

/**
 * The one operation a guest may have in flight. {@code targetConfig} is the config the operation will
 * leave behind on success (create, config change), or null when the config does not change.
 */
public record ActiveOperation(GuestOperation operation, TaskRecord task, GuestConfig targetConfig,
                              List<VolumeRequest> newVolumes) implements FabricSerializable {
    public ActiveOperation {
        newVolumes = List.copyOf(newVolumes);
    }
}
