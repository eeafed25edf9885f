package org.fabricve.persistence.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.config.VolumeRequest;
import org.fabricve.core.guest.Decision;
import org.fabricve.core.guest.GuestDecider;
import org.fabricve.core.guest.GuestEvent;
import org.fabricve.core.guest.GuestOperation;
import org.fabricve.core.guest.GuestState;
import org.fabricve.core.hypervisor.HostInfo;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.core.node.NodeEvent;
import org.fabricve.core.node.NodeState;
import org.fabricve.core.storage.StorageDefinition;
import org.fabricve.core.storage.StorageEvent;
import org.fabricve.core.task.TaskRecord;
import org.fabricve.core.task.Upid;
import org.fabricve.persistence.JournalEvent;
import org.junit.jupiter.api.Test;

class ClusterViewTest {

    private static final GuestConfig CONFIG = GuestConfig.of(GuestType.QEMU, Map.of("memory", "1024", "name", "vm"));

    private final ClusterView view = new ClusterView();
    private final Map<Integer, GuestState> entities = new HashMap<>();
    private long journalId;
    private long pid;

    /** Decides like the entity would, folds the entity's state, and feeds the events to the view. */
    private List<GuestEvent> run(int vmid, java.util.function.Function<GuestState, Decision> command) {
        GuestState state = entities.getOrDefault(vmid, GuestState.EMPTY);
        Decision d = command.apply(state);
        if (!(d instanceof Decision.Accept accept)) {
            return List.of();
        }
        for (GuestEvent e : accept.events()) {
            state = GuestDecider.evolve(state, e);
            feed(e);
        }
        entities.put(vmid, state);
        return accept.events();
    }

    private void feed(Object event) {
        journalId++;
        view.apply(new JournalEvent(journalId, "p", journalId, 1_000 * journalId, event));
    }

    private Upid upid(GuestOperation op, int vmid, long startTime) {
        pid++;
        return new Upid("pve1", pid, 0x77, startTime, op.taskType(GuestType.QEMU), Integer.toString(vmid), "root@pam");
    }

    private Upid upid(GuestOperation op, int vmid) {
        return upid(op, vmid, 1_700_000_000L + pid);
    }

    private String create(int vmid) {
        Upid u = upid(GuestOperation.CREATE, vmid);
        run(vmid, s -> GuestDecider.create(s, vmid, GuestType.QEMU, "pve1", CONFIG,
                List.of(new VolumeRequest("scsi0", "local", 4)), u));
        return u.format();
    }

    private String operate(int vmid, GuestOperation op) {
        Upid u = upid(op, vmid);
        run(vmid, s -> GuestDecider.operate(s, vmid, op, u));
        return u.format();
    }

    private void finish(int vmid, String exit) {
        run(vmid, s -> GuestDecider.finish(s, s.active().task().upid(), exit, List.of("done"), 9, null, null));
    }

    /** What the view must hold for a vmid: the entity's guest and operation; its tasks live in the task index. */
    private void assertViewAgreesWithTheEntities() {
        for (var entry : entities.entrySet()) {
            GuestState entity = entry.getValue();
            if (entity.guest() == null && entity.active() == null) {
                assertThat(view.guest(entry.getKey())).isEmpty();
            } else {
                assertThat(view.guest(entry.getKey()))
                        .contains(new GuestState(entity.guest(), entity.active(), List.of()));
            }
        }
        long present = entities.values().stream().filter(s -> s.guest() != null || s.active() != null).count();
        assertThat(view.guests()).hasSize((int) present);
    }

    @Test
    void guestsFoldLikeTheEntity() {
        String createUpid = create(100);
        assertViewAgreesWithTheEntities();
        assertThat(view.guest(100)).hasValueSatisfying(s -> assertThat(s.active().task().upid()).isEqualTo(createUpid));
        finish(100, "OK");
        assertViewAgreesWithTheEntities();
        operate(100, GuestOperation.START);
        finish(100, "OK");
        assertThat(view.guest(100).orElseThrow().guest().runState()).isEqualTo(RunState.RUNNING);
        run(100, s -> GuestDecider.observe(s, RunState.PAUSED, "paused by hand", 3));
        assertThat(view.guest(100).orElseThrow().guest().runState()).isEqualTo(RunState.PAUSED);
        assertThat(view.guest(100).orElseThrow().recentTasks()).as("tasks live in the index").isEmpty();
        assertViewAgreesWithTheEntities();
    }

    @Test
    void deletedGuestsAndFailedCreatesAreRemovedButTheirTasksStay() {
        create(100);
        finish(100, "OK");
        String delete = operate(100, GuestOperation.DELETE);
        assertThat(view.guest(100)).isPresent();
        finish(100, "OK");
        assertThat(view.guest(100)).isEmpty();

        String failedCreate = create(101);
        assertThat(view.guest(101)).isPresent();
        finish(101, "no space left");
        assertThat(view.guest(101)).isEmpty();
        assertThat(view.guests()).isEmpty();

        assertThat(view.task(delete)).hasValueSatisfying(t -> assertThat(t.succeeded()).isTrue());
        assertThat(view.task(failedCreate)).hasValueSatisfying(t -> {
            assertThat(t.exitStatus()).isEqualTo("no space left");
            assertThat(t.log()).last().isEqualTo("TASK ERROR: no space left");
        });
        assertViewAgreesWithTheEntities();
    }

    @Test
    void aTaskIsIndexedWhenItStartsAndReplacedWhenItEnds() {
        String upid = create(100);
        assertThat(view.task(upid)).hasValueSatisfying(t -> assertThat(t.running()).isTrue());
        assertThat(view.tasks()).hasSize(1);
        finish(100, "OK");
        assertThat(view.task(upid)).hasValueSatisfying(t -> assertThat(t.succeeded()).isTrue());
        assertThat(view.tasks()).hasSize(1).first().isEqualTo(view.task(upid).orElseThrow());
        assertThat(view.task("UPID:unknown")).isEmpty();
    }

    @Test
    void tasksAreListedNewestFirstWithTiesByUpid() {
        create(100);
        finish(100, "OK");
        Upid late = upid(GuestOperation.START, 100, 3_000);
        run(100, s -> GuestDecider.operate(s, 100, GuestOperation.START, late));
        finish(100, "OK");
        Upid early = upid(GuestOperation.STOP, 100, 1_000);
        run(100, s -> GuestDecider.operate(s, 100, GuestOperation.STOP, early));
        finish(100, "OK");
        Upid tieB = new Upid("pve1", 0xB, 1, 2_000, "qmstart", "100", "root@pam");
        Upid tieA = new Upid("pve1", 0xA, 1, 2_000, "qmstop", "100", "root@pam");
        run(100, s -> GuestDecider.operate(s, 100, GuestOperation.START, tieB));
        finish(100, "OK");
        run(100, s -> GuestDecider.operate(s, 100, GuestOperation.STOP, tieA));

        List<TaskRecord> listed = new ArrayList<>(view.tasks());
        assertThat(listed).extracting(TaskRecord::upid).containsExactly(
                listed.get(0).upid(), late.format(), tieA.format(), tieB.format(), early.format());
        assertThat(listed.get(0).type()).isEqualTo("qmcreate");
        assertThat(listed).extracting(TaskRecord::startTime).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(view.task(tieA.format())).hasValueSatisfying(t -> assertThat(t.running()).isTrue());
    }

    @Test
    void theTaskIndexIsBoundedAndDropsTheOldest() {
        int total = ClusterView.MAX_TASKS + 25;
        List<String> upids = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            // a failed create: the task is kept, the vmid freed
            Upid u = upid(GuestOperation.CREATE, 100, 1_000_000L + i);
            upids.add(u.format());
            TaskRecord started = TaskRecord.started(u, "creating");
            feed(new GuestEvent.CreationStarted(100, GuestType.QEMU, "pve1", CONFIG, List.of(), started));
            feed(new GuestEvent.TaskFinished(100, started.finished(1, "failed", List.of()), null, null));
        }
        assertThat(view.tasks()).hasSize(ClusterView.MAX_TASKS);
        for (int i = 0; i < 25; i++) {
            assertThat(view.task(upids.get(i))).as("evicted %d", i).isEmpty();
        }
        assertThat(view.task(upids.get(25))).isPresent();
        assertThat(view.tasks()).first().extracting(TaskRecord::upid).isEqualTo(upids.get(total - 1));
        assertThat(view.tasks()).last().extracting(TaskRecord::upid).isEqualTo(upids.get(25));
        assertThat(view.guest(100)).isEmpty();
    }

    @Test
    void theOffsetIsTheHighestIdSeen() {
        assertThat(view.offset()).isZero();
        view.apply(new JournalEvent(5, "p", 1, 0, "an event the view does not know"));
        assertThat(view.offset()).isEqualTo(5);
        view.apply(new JournalEvent(3, "p", 2, 0, new StorageEvent.StorageDefined(
                new StorageDefinition("local", "dir", "/var/lib/vz", List.of("images"), List.of(), false), 1)));
        assertThat(view.offset()).as("never goes back").isEqualTo(5);
        assertThat(view.storage("local")).as("still applied").isPresent();
        view.apply(new JournalEvent(8, "p", 3, 0, "x"));
        assertThat(view.offset()).isEqualTo(8);
        assertThat(view.guests()).isEmpty();
        assertThat(view.nodes()).isEmpty();
    }

    @Test
    void nodeEventsFoldIntoNodeStates() {
        HostInfo host = new HostInfo("pve1", 8, 16L << 30, "EPYC");
        feed(new NodeEvent.NodeRegistered("pve1", host, 1));
        feed(new NodeEvent.ForeignDomainsChanged("pve1", Set.of("win10", "fabric-999"), Set.of(), 2));
        feed(new NodeEvent.ForeignDomainsChanged("pve2", Set.of("old"), Set.of(), 3));
        feed(new NodeEvent.ForeignDomainsChanged("pve1", Set.of(), Set.of("fabric-999"), 4));
        assertThat(view.node("pve1")).contains(new NodeState("pve1", host, Set.of("win10")));
        assertThat(view.node("pve2")).contains(new NodeState("pve2", null, Set.of("old")));
        assertThat(view.node("pve3")).isEmpty();
        assertThat(view.nodes()).hasSize(2);
        assertThat(view.offset()).isEqualTo(4);
    }

    @Test
    void storageDefinitionsAreKeptByIdAndRedefinitionsReplace() {
        var local = new StorageDefinition("local", "dir", "/var/lib/vz", List.of("images", "iso"), List.of(), false);
        var nfs = new StorageDefinition("nfs", "nfs", "/mnt/pve/nfs", List.of("images"), List.of("pve1", "pve2"), true);
        var local2 = new StorageDefinition("local", "dir", "/srv/vz", List.of("images"), List.of("pve1"), false);
        feed(new StorageEvent.StorageDefined(local, 1));
        feed(new StorageEvent.StorageDefined(nfs, 2));
        feed(new StorageEvent.StorageDefined(local2, 3));
        assertThat(view.storage("local")).contains(local2);
        assertThat(view.storage("nfs")).contains(nfs);
        assertThat(view.storages()).containsExactlyInAnyOrder(local2, nfs);
        assertThat(view.storage("none")).isEmpty();
    }

    @Test
    void randomHistoriesFoldToTheEntitiesStates() {
        var random = new SplittableRandom(99);
        GuestOperation[] ops = {GuestOperation.START, GuestOperation.STOP, GuestOperation.SUSPEND,
                GuestOperation.RESUME, GuestOperation.REBOOT, GuestOperation.SHUTDOWN, GuestOperation.DELETE};
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            int vmid = 100 + random.nextInt(5);
            GuestState s = entities.getOrDefault(vmid, GuestState.EMPTY);
            int kind = random.nextInt(4);
            List<GuestEvent> events;
            if (s.active() != null && kind < 2) {
                String exit = random.nextInt(4) == 0 ? "failed" : "OK";
                RunState observed = random.nextBoolean() ? null : RunState.values()[random.nextInt(3)];
                long end = i;
                events = run(vmid, st -> GuestDecider.finish(st, st.active().task().upid(), exit, List.of(), end, null,
                        observed));
            } else if (s.guest() == null) {
                Upid u = upid(GuestOperation.CREATE, vmid);
                events = run(vmid, st -> GuestDecider.create(st, vmid, GuestType.QEMU, "pve1", CONFIG, List.of(), u));
            } else if (kind == 3) {
                RunState observed = RunState.values()[random.nextInt(3)];
                events = run(vmid, st -> GuestDecider.observe(st, observed, "seen", 0));
            } else {
                GuestOperation op = ops[random.nextInt(ops.length)];
                Upid u = upid(op, vmid);
                events = run(vmid, st -> GuestDecider.operate(st, vmid, op, u));
            }
            for (GuestEvent e : events) {
                if (e instanceof GuestEvent.CreationStarted c) {
                    accepted.add(c.task().upid());
                } else if (e instanceof GuestEvent.OperationStarted o) {
                    accepted.add(o.task().upid());
                }
            }
            if (i % 250 == 0) {
                assertViewAgreesWithTheEntities();
            }
        }
        assertViewAgreesWithTheEntities();
        assertThat(view.tasks()).hasSize(accepted.size());
        for (String upid : accepted) {
            TaskRecord inView = view.task(upid).orElseThrow();
            // the entity's own record of the task, where it still has one, is the same
            int vmid = Integer.parseInt(inView.id());
            entities.get(vmid).task(upid).ifPresent(t -> assertThat(inView).isEqualTo(t));
        }
        assertThat(view.offset()).isEqualTo(journalId);
    }
}
