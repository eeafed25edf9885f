package org.fabricve.core.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.config.VolumeRequest;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.core.task.Upid;

/** Short-hands for driving a guest through {@link GuestDecider}: configs, task ids and prepared states. */
final class Guests {

    static final int VMID = 100;
    static final String NODE = "pve1";
    static final String USER = "root@pam";
    static final GuestConfig REQUESTED = GuestConfig.of(GuestType.QEMU,
            Map.of("name", "web", "memory", "2048", "cores", "2", "scsi0", "local:32", "net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0"));
    static final GuestConfig ALLOCATED = REQUESTED.withAllocatedVolume("scsi0", "local", "vm-100-disk-0", 32);
    static final List<VolumeRequest> VOLUMES = List.of(new VolumeRequest("scsi0", "local", 32));

    private static long counter;

    private Guests() {}

    /** A fresh, unique task id. */
    static Upid upid(GuestType type, GuestOperation op, int vmid) {
        counter++;
        return new Upid(NODE, counter, 0x1000, 1_700_000_000L + counter, op.taskType(type), Integer.toString(vmid), USER);
    }

    static Upid upid(GuestOperation op) {
        return upid(GuestType.QEMU, op, VMID);
    }

    static List<GuestEvent> events(Decision d) {
        assertThat(d).as("expected an accept, got %s", d).isInstanceOf(Decision.Accept.class);
        return ((Decision.Accept) d).events();
    }

    static Rejection rejection(Decision d) {
        assertThat(d).as("expected a rejection, got %s", d).isInstanceOf(Decision.Reject.class);
        return ((Decision.Reject) d).rejection();
    }

    static GuestState fold(GuestState state, Decision d) {
        GuestState s = state;
        for (GuestEvent e : events(d)) {
            s = GuestDecider.evolve(s, e);
        }
        return s;
    }

    static GuestState fold(GuestState state, List<GuestEvent> events) {
        GuestState s = state;
        for (GuestEvent e : events) {
            s = GuestDecider.evolve(s, e);
        }
        return s;
    }

    /** Finishes the active task successfully. */
    static GuestState ok(GuestState state, GuestConfig finalConfig) {
        return fold(state, GuestDecider.finish(state, state.active().task().upid(), "OK", List.of(), 1_800_000_000L,
                finalConfig, null));
    }

    static GuestState ok(GuestState state) {
        return ok(state, null);
    }

    /** A created QEMU guest 100, idle, stopped, with one finished create task. */
    static GuestState created() {
        return created(GuestType.QEMU);
    }

    static GuestState created(GuestType type) {
        GuestConfig config = type == GuestType.QEMU ? REQUESTED
                : GuestConfig.of(GuestType.LXC, Map.of("hostname", "ct", "memory", "512"));
        GuestState s = fold(GuestState.EMPTY, GuestDecider.create(GuestState.EMPTY, VMID, type, NODE, config,
                List.of(), upid(type, GuestOperation.CREATE, VMID)));
        return ok(s, type == GuestType.QEMU ? ALLOCATED : null);
    }

    /** An idle guest in the given run state. */
    static GuestState idle(RunState run) {
        GuestState s = created();
        if (run != RunState.STOPPED) {
            s = ok(fold(s, GuestDecider.operate(s, VMID, GuestOperation.START, upid(GuestOperation.START))));
        }
        if (run == RunState.PAUSED) {
            s = ok(fold(s, GuestDecider.operate(s, VMID, GuestOperation.SUSPEND, upid(GuestOperation.SUSPEND))));
        }
        if (run == RunState.HIBERNATED) {
            s = ok(fold(s, GuestDecider.operate(s, VMID, GuestOperation.HIBERNATE, upid(GuestOperation.HIBERNATE))));
        }
        assertThat(s.guest().runState()).isEqualTo(run);
        assertThat(s.active()).isNull();
        return s;
    }

    /** A guest in the given run state with a stop task in flight. */
    static GuestState busy(RunState run) {
        GuestState s = idle(run);
        s = fold(s, GuestDecider.operate(s, VMID, GuestOperation.STOP, upid(GuestOperation.STOP)));
        assertThat(s.active()).isNotNull();
        return s;
    }
}
