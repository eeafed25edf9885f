package org.fabricve.core.guest;

import org.fabricve.core.config.GuestType;
import org.fabricve.core.hypervisor.RunState;

/** The long operations on a guest; each runs as one task named like Proxmox's worker types. */
public enum GuestOperation {
    CREATE("qmcreate", "vzcreate", "create"),
    START("qmstart", "vzstart", "start"),
    STOP("qmstop", "vzstop", "stop"),
    SHUTDOWN("qmshutdown", "vzshutdown", "shutdown"),
    REBOOT("qmreboot", "vzreboot", "reboot"),
    SUSPEND("qmsuspend", "vzsuspend", "suspend"),
    RESUME("qmresume", "vzresume", "resume"),
    RESET("qmreset", "vzreset", "reset"),
    /** Suspend to disk: Proxmox's {@code status/suspend} with {@code todisk=1}, also a qmsuspend task. */
    HIBERNATE("qmsuspend", "vzsuspend", "hibernate"),
    DELETE("qmdestroy", "vzdestroy", "destroy"),
    CONFIG("qmconfig", "vzconfig", "config");

    private final String qemuTask;
    private final String lxcTask;
    private final String apiName;

    GuestOperation(String qemuTask, String lxcTask, String apiName) {
        this.qemuTask = qemuTask;
        this.lxcTask = lxcTask;
        this.apiName = apiName;
    }

    public String taskType(GuestType type) {
        return type == GuestType.QEMU ? qemuTask : lxcTask;
    }

    /** The name used in status paths ({@code /status/start}) and logs. */
    public String apiName() {
        return apiName;
    }

    /** The status sub-paths that map onto operations. */
    public static java.util.Optional<GuestOperation> fromStatusPath(String action) {
        return switch (action) {
            case "start" -> java.util.Optional.of(START);
            case "stop" -> java.util.Optional.of(STOP);
            case "shutdown" -> java.util.Optional.of(SHUTDOWN);
            case "reboot" -> java.util.Optional.of(REBOOT);
            case "suspend" -> java.util.Optional.of(SUSPEND);
            case "resume" -> java.util.Optional.of(RESUME);
            case "reset" -> java.util.Optional.of(RESET);
            default -> java.util.Optional.empty();
        };
    }

    /** The run state a successful operation leaves behind. */
    public RunState resultingState(RunState before) {
        return switch (this) {
            case CREATE, STOP, SHUTDOWN, DELETE -> RunState.STOPPED;
            case CONFIG -> before;
            case START, REBOOT, RESUME, RESET -> RunState.RUNNING;
            case HIBERNATE -> RunState.HIBERNATED;
            case SUSPEND -> RunState.PAUSED;
        };
    }
}
