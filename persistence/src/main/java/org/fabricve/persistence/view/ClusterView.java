package org.fabricve.persistence.view;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.fabricve.core.cluster.ClusterNodeEvent;
import org.fabricve.core.cluster.NodeList;
import org.fabricve.core.guest.GuestDecider;
import org.fabricve.core.guest.GuestEvent;
import org.fabricve.core.guest.GuestState;
import org.fabricve.core.node.NodeEvent;
import org.fabricve.core.node.NodeState;
import org.fabricve.core.storage.StorageDefinition;
import org.fabricve.core.storage.StorageEvent;
import org.fabricve.core.task.TaskRecord;
import org.fabricve.persistence.JournalEvent;

/**
 * The read model behind listings (/cluster/resources, guest lists, task lists, nextid): the fold of the
 * journal's event history, kept in memory. Guests fold through the same pure {@link GuestDecider#evolve}
 * as the entities, so the view can lag but never disagree. One writer (the journal tail), many readers.
 */
public final class ClusterView {

    /** How many tasks the view keeps for listings; Proxmox's task index keeps a similar window. */
    static final int MAX_TASKS = 20_000;

    private final ConcurrentHashMap<Integer, GuestState> guests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, NodeState> nodes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, StorageDefinition> storages = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<TaskKey, TaskRecord> tasks = new ConcurrentSkipListMap<>();
    private final ConcurrentHashMap<String, TaskKey> taskKeys = new ConcurrentHashMap<>();
    private volatile long offset;
    /** The configured node list (the vote base), folded like the entity folds it. */
    private volatile NodeList clusterNodes = NodeList.EMPTY;

    /** Newest first, ties broken by UPID so that keys are unique. */
    private record TaskKey(long startTime, String upid) implements Comparable<TaskKey> {
        private static final Comparator<TaskKey> ORDER = Comparator.comparingLong(TaskKey::startTime).reversed()
                .thenComparing(TaskKey::upid);

        @Override
        public int compareTo(TaskKey o) {
            return ORDER.compare(this, o);
        }
    }

    /** Applies the next event of the history; called by one thread at a time, in journal order. */
    public void apply(JournalEvent journalEvent) {
        Object event = journalEvent.event();
        if (event instanceof GuestEvent e) {
            GuestState before = guests.getOrDefault(e.vmid(), GuestState.EMPTY);
            GuestState after = GuestDecider.evolve(before, e);
            // the view keeps tasks in its own index, not per guest
            GuestState slim = new GuestState(after.guest(), after.active(), List.of());
            if (slim.guest() == null && slim.active() == null) {
                guests.remove(e.vmid());
            } else {
                guests.put(e.vmid(), slim);
            }
            taskOf(e).ifPresent(this::putTask);
        } else if (event instanceof NodeEvent.TaskRecorded e) {
            putTask(e.task());
        } else if (event instanceof NodeEvent e) {
            nodes.compute(e.node(), (name, s) -> (s == null ? NodeState.empty(name) : s).apply(e));
        } else if (event instanceof ClusterNodeEvent e) {
            clusterNodes = clusterNodes.evolve(e);
        } else if (event instanceof StorageEvent.StorageDefined e) {
            storages.put(e.storage(), e.definition());
        }
        if (journalEvent.id() > offset) {
            offset = journalEvent.id();
        }
    }

    private static Optional<TaskRecord> taskOf(GuestEvent e) {
        if (e instanceof GuestEvent.CreationStarted c) {
            return Optional.of(c.task());
        }
        if (e instanceof GuestEvent.OperationStarted o) {
            return Optional.of(o.task());
        }
        if (e instanceof GuestEvent.TaskFinished f) {
            return Optional.of(f.task());
        }
        return Optional.empty();
    }

    private void putTask(TaskRecord task) {
        TaskKey key = new TaskKey(task.startTime(), task.upid());
        TaskKey previous = taskKeys.put(task.upid(), key);
        if (previous != null && !previous.equals(key)) {
            tasks.remove(previous);
        }
        tasks.put(key, task);
        while (tasks.size() > MAX_TASKS) {
            var oldest = tasks.pollLastEntry();
            if (oldest != null) {
                taskKeys.remove(oldest.getKey().upid());
            }
        }
    }

    /** The journal position this view has folded up to. */
    public long offset() {
        return offset;
    }

    public Collection<GuestState> guests() {
        return guests.values();
    }

    public Optional<GuestState> guest(int vmid) {
        return Optional.ofNullable(guests.get(vmid));
    }

    public Collection<NodeState> nodes() {
        return nodes.values();
    }

    public Optional<NodeState> node(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    /** The configured node list as the journal has it so far. */
    public NodeList clusterNodes() {
        return clusterNodes;
    }

    public Collection<StorageDefinition> storages() {
        return storages.values();
    }

    public Optional<StorageDefinition> storage(String id) {
        return Optional.ofNullable(storages.get(id));
    }

    /** Tasks, newest first. */
    public Collection<TaskRecord> tasks() {
        return tasks.values();
    }

    public Optional<TaskRecord> task(String upid) {
        TaskKey key = taskKeys.get(upid);
        return key == null ? Optional.empty() : Optional.ofNullable(tasks.get(key));
    }
}
