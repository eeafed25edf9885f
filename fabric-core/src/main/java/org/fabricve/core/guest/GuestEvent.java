package org.fabricve.core.guest;

import java.util.List;
import org.fabricve.core.FabricSerializable;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.config.VolumeRequest;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.core.task.TaskRecord;

/** Everything that can happen to a guest, as journalled. */
public sealed interface GuestEvent extends FabricSerializable {

    int vmid();

    /** A create was accepted: the vmid is taken from here on, the guest is locked until the task ends. */
    record CreationStarted(int vmid, GuestType type, String node, GuestConfig config, List<VolumeRequest> newVolumes,
                           TaskRecord task, boolean start) implements GuestEvent {
        public CreationStarted {
            newVolumes = List.copyOf(newVolumes);
        }

        public CreationStarted(int vmid, GuestType type, String node, GuestConfig config,
                               List<VolumeRequest> newVolumes, TaskRecord task) {
            this(vmid, type, node, config, newVolumes, task, false);
        }
    }

    /**
     * An operation was accepted; {@code targetConfig} is non-null for config changes, {@code shutdown} for shutdowns
     * asked with a timeout or forceStop (null: {@link ShutdownOptions#DEFAULT}; events written before it have none).
     */
    record OperationStarted(int vmid, GuestOperation operation, TaskRecord task, GuestConfig targetConfig,
                            List<VolumeRequest> newVolumes, ShutdownOptions shutdown) implements GuestEvent {
        public OperationStarted {
            newVolumes = List.copyOf(newVolumes);
        }

        public OperationStarted(int vmid, GuestOperation operation, TaskRecord task, GuestConfig targetConfig,
                                List<VolumeRequest> newVolumes) {
            this(vmid, operation, task, targetConfig, newVolumes, null);
        }
    }

    /**
     * The running task ended. {@code finalConfig}: the config with allocated volumes (create, config change),
     * else null. {@code observedState}: what the hypervisor reported after a failure, else null.
     * {@code runningConfig}: after a config change of a running guest, what its domain now runs with (the old
     * running config plus what was hotplugged), else null.
     */
    record TaskFinished(int vmid, TaskRecord task, GuestConfig finalConfig, RunState observedState,
                        GuestConfig runningConfig) implements GuestEvent {

        public TaskFinished(int vmid, TaskRecord task, GuestConfig finalConfig, RunState observedState) {
            this(vmid, task, finalConfig, observedState, null);
        }
    }

    /** The hypervisor disagrees with what the journal believed; the hypervisor wins. */
    record RunStateObserved(int vmid, RunState from, RunState to, String reason, long time) implements GuestEvent {}

    /**
     * The guest's home (the node its config lives on, whose agent runs it) moved: a relocation of a stopped
     * guest, or the HA manager's recovery after its old node was provably fenced ({@code fenced}: whatever the
     * old node was running is dead, so the guest is stopped now).
     */
    record HomeMoved(int vmid, String from, String to, boolean fenced, String reason, long time)
            implements GuestEvent {}
}
