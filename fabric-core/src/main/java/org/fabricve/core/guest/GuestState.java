package org.fabricve.core.guest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fabricve.core.FabricSerializable;
import org.fabricve.core.task.TaskRecord;

/**
 * A vmid's whole state: the guest (null when the vmid is free), the operation in flight (null when idle)
 * and its recent tasks, kept even after a delete so a client can still read how the delete ended.
 */
public record GuestState(Guest guest, ActiveOperation active, List<TaskRecord> recentTasks)
        implements FabricSerializable {

    /** How many finished tasks a guest remembers; older ones stay readable in the read model. */
    public static final int RECENT_TASKS = 16;

    public static final GuestState EMPTY = new GuestState(null, null, List.of());

    public GuestState {
        recentTasks = List.copyOf(recentTasks);
    }

    public boolean exists() {
        return guest != null;
    }

    public Optional<TaskRecord> task(String upid) {
        if (active != null && active.task().upid().equals(upid)) {
            return Optional.of(active.task());
        }
        return recentTasks.stream().filter(t -> t.upid().equals(upid)).findFirst();
    }

    GuestState withGuest(Guest g) {
        return new GuestState(g, active, recentTasks);
    }

    GuestState begin(ActiveOperation op) {
        return new GuestState(guest, op, recentTasks);
    }

    GuestState finish(Guest g, TaskRecord finished) {
        var tasks = new ArrayList<>(recentTasks);
        tasks.add(finished);
        while (tasks.size() > RECENT_TASKS) {
            tasks.remove(0);
        }
        return new GuestState(g, null, tasks);
    }
}
