package org.fabricve.core.task;

import java.util.List;
import org.fabricve.core.FabricSerializable;

/**
 * A task as the API reports it. {@code exitStatus} is null while it runs, then "OK" or the error message,
 * the way Proxmox reports it in {@code /tasks/{upid}/status}.
 */
public record TaskRecord(String upid, String node, String type, String id, String user, long startTime,
                         long endTime, String exitStatus, List<String> log) implements FabricSerializable {

    public static final String OK = "OK";

    public TaskRecord {
        log = List.copyOf(log);
    }

    public static TaskRecord started(Upid upid, String firstLine) {
        return new TaskRecord(upid.format(), upid.node(), upid.type(), upid.id(), upid.user(), upid.startTime(), 0,
                null, List.of(firstLine));
    }

    public boolean running() {
        return exitStatus == null;
    }

    public boolean succeeded() {
        return OK.equals(exitStatus);
    }

    public TaskRecord finished(long endTime, String reportedStatus, List<String> moreLog) {
        // a finished task must never look running, whatever an agent reported
        String exitStatus = reportedStatus == null || reportedStatus.isBlank() ? "unknown error" : reportedStatus;
        var lines = new java.util.ArrayList<>(log);
        lines.addAll(moreLog);
        lines.add(OK.equals(exitStatus) ? "TASK OK" : "TASK ERROR: " + exitStatus);
        return new TaskRecord(upid, node, type, id, user, startTime, endTime, exitStatus, lines);
    }
}
