package org.fabricve.core.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.config.VolumeRequest;
import org.fabricve.core.guest.GuestEvent.CreationStarted;
import org.fabricve.core.guest.GuestEvent.OperationStarted;
import org.fabricve.core.guest.GuestEvent.TaskFinished;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.core.task.TaskRecord;
import org.fabricve.core.task.Upid;
import org.junit.jupiter.api.Test;

/**
 * Random command sequences over a few vmids (fixed seed), checking the decider's invariants after every
 * step and replay determinism at the end.
 */
class GuestDeciderPropertyTest {

    private static final int SEQUENCES = 2_000;
    private static final int MAX_STEPS = 60;
    private static final int[] VMIDS = {100, 101, 102};
    private static final GuestOperation[] LIFECYCLE = {GuestOperation.START, GuestOperation.STOP,
            GuestOperation.SHUTDOWN, GuestOperation.REBOOT, GuestOperation.SUSPEND, GuestOperation.RESUME,
            GuestOperation.DELETE};

    /** What the test expects of one vmid, kept independently of the decider. */
    private static final class Model {
        boolean exists;
        RunState run;
        GuestConfig config;
        final List<String> finishedUpids = new ArrayList<>();
    }

    private long counter;

    @Test
    void randomCommandSequencesKeepTheInvariants() {
        var random = new SplittableRandom(20240611L);
        int accepted = 0;
        int rejected = 0;
        for (int seq = 0; seq < SEQUENCES; seq++) {
            int[] counts = runSequence(random, seq);
            accepted += counts[0];
            rejected += counts[1];
        }
        // the generator must exercise both outcomes substantially
        assertThat(accepted).isGreaterThan(SEQUENCES * 5);
        assertThat(rejected).isGreaterThan(SEQUENCES * 5);
    }

    private int[] runSequence(SplittableRandom random, int seq) {
        Map<Integer, GuestState> states = new HashMap<>();
        Map<Integer, List<GuestEvent>> journal = new HashMap<>();
        Map<Integer, Model> models = new HashMap<>();
        Set<String> acceptedUpids = new HashSet<>();
        Map<String, Integer> finishCount = new LinkedHashMap<>();
        List<String> allUpids = new ArrayList<>();
        int accepted = 0;
        int rejected = 0;
        for (int vmid : VMIDS) {
            states.put(vmid, GuestState.EMPTY);
            journal.put(vmid, new ArrayList<>());
            models.put(vmid, new Model());
        }
        int steps = 1 + random.nextInt(MAX_STEPS);
        // run the random steps, then drain: finish every operation still in flight
        for (int step = 0; step < steps + VMIDS.length; step++) {
            boolean draining = step >= steps;
            int vmid = draining ? VMIDS[step - steps] : VMIDS[random.nextInt(VMIDS.length)];
            GuestState state = states.get(vmid);
            Model model = models.get(vmid);
            Where where = new Where(seq, step, vmid, state);

            Decision decision;
            boolean isStart = false;
            int kind = draining ? (state.active() != null ? 3 : -1) : random.nextInt(10);
            if (!draining && state.guest() == null && random.nextBoolean()) {
                kind = 0; // mostly create where there is nothing yet
            } else if (!draining && state.active() != null && random.nextBoolean()) {
                kind = 2; // and report on what is in flight
            }
            if (kind < 0) {
                continue;
            }
            GuestType type = state.guest() != null ? state.guest().type()
                    : random.nextBoolean() ? GuestType.QEMU : GuestType.LXC;
            if (kind <= 1) {
                GuestConfig config = GuestConfig.of(type, Map.of("memory", Integer.toString(256 * (1 + random.nextInt(8)))));
                Upid upid = upid(type, GuestOperation.CREATE, vmid, allUpids);
                decision = GuestDecider.create(state, vmid, type, "pve" + random.nextInt(3), config,
                        List.of(new VolumeRequest("scsi0", "local", 1 + random.nextInt(10))), upid);
                isStart = true;
                boolean free = state.guest() == null && state.active() == null;
                check(decision instanceof Decision.Accept == free, "create accepted iff the vmid is free", where);
            } else if (kind <= 4 && state.active() != null) {
                // a report for the task in flight, sometimes duplicated, sometimes for a wrong task
                String upid = state.active().task().upid();
                int variant = draining ? 0 : random.nextInt(6);
                if (variant == 4 && !allUpids.isEmpty()) {
                    upid = allUpids.get(random.nextInt(allUpids.size()));
                } else if (variant == 5) {
                    upid = "UPID:elsewhere:00000001:00000001:00000001:qmstart:" + vmid + ":root@pam:";
                }
                boolean success = random.nextInt(3) != 0;
                RunState observed = random.nextInt(3) == 0 ? null : RunState.values()[random.nextInt(3)];
                GuestConfig finalConfig = random.nextBoolean() ? GuestConfig.of(type, Map.of("memory", "9999")) : null;
                decision = GuestDecider.finish(state, upid, success ? TaskRecord.OK : "failed " + step,
                        List.of("log " + step), 2_000_000_000L + step, finalConfig, observed);
                boolean forActive = upid.equals(state.active().task().upid());
                check(Guests.events(decision).size() == (forActive ? 1 : 0), "one event iff the report is for the active task", where);
            } else if (kind <= 4) {
                // a report for a task that is not in flight: always ignored
                String upid = allUpids.isEmpty() ? "UPID:x" : allUpids.get(random.nextInt(allUpids.size()));
                decision = GuestDecider.finish(state, upid, TaskRecord.OK, List.of(), 1, null, null);
                check(Guests.events(decision).isEmpty(), "a report for no active task is ignored", where);
            } else if (kind <= 7) {
                GuestOperation op = LIFECYCLE[random.nextInt(LIFECYCLE.length)];
                decision = GuestDecider.operate(state, vmid, op, upid(type, op, vmid, allUpids));
                isStart = true;
                if (state.guest() == null) {
                    check(Guests.rejection(decision).kind() == Rejection.Kind.NOT_FOUND, "not found", where);
                }
            } else if (kind == 8) {
                GuestConfig current = state.guest() != null ? state.guest().config() : GuestConfig.empty(type);
                GuestConfig basedOn = random.nextInt(4) == 0 ? current.with("cores", "3") : current;
                decision = GuestDecider.changeConfig(state, vmid, basedOn, current.with("memory", Integer.toString(step)),
                        List.of(), upid(type, GuestOperation.CONFIG, vmid, allUpids));
                isStart = true;
                if (state.guest() != null && state.active() == null && basedOn != current) {
                    check("digest".equals(Guests.rejection(decision).param()), "stale digest", where);
                }
            } else {
                RunState observed = RunState.values()[random.nextInt(3)];
                decision = GuestDecider.observe(state, observed, "seen", step);
                boolean recorded = state.guest() != null && state.active() == null && state.guest().runState() != observed;
                check(Guests.events(decision).size() == (recorded ? 1 : 0), "observation recorded iff different and idle", where);
            }

            if (decision instanceof Decision.Reject) {
                rejected++;
                continue;
            }
            List<GuestEvent> events = Guests.events(decision);
            if (isStart) {
                accepted++;
                check(state.active() == null, "at most one active operation", where);
                check(events.size() == 1, "one event per accepted operation", where);
            }
            GuestState next = state;
            for (GuestEvent e : events) {
                check(e.vmid() == vmid, "event for the vmid", where);
                next = GuestDecider.evolve(next, e);
                journal.get(vmid).add(e);
                track(model, next, e, acceptedUpids, finishCount, where);
            }
            states.put(vmid, next);
            checkInvariants(next, model, where);
        }

        for (int vmid : VMIDS) {
            GuestState state = states.get(vmid);
            Model model = models.get(vmid);
            assertThat(state.active()).as("drained").isNull();
            // replay determinism: the journal folds to the state the loop maintained
            assertThat(Guests.fold(GuestState.EMPTY, journal.get(vmid))).isEqualTo(state);
            // the recent tasks are the newest finished ones, in order
            List<String> finished = model.finishedUpids;
            assertThat(state.recentTasks()).extracting(TaskRecord::upid).containsExactlyElementsOf(
                    finished.subList(Math.max(0, finished.size() - GuestState.RECENT_TASKS), finished.size()));
        }
        // every accepted operation's task finished exactly once
        assertThat(finishCount.keySet()).isEqualTo(acceptedUpids);
        assertThat(finishCount.values()).allMatch(n -> n == 1);
        return new int[] {accepted, rejected};
    }

    private Upid upid(GuestType type, GuestOperation op, int vmid, List<String> all) {
        counter++;
        Upid u = new Upid("pve0", counter & 0xFFFFFFFFL, 0x42, 1_700_000_000L + counter, op.taskType(type),
                Integer.toString(vmid), "root@pam");
        all.add(u.format());
        return u;
    }

    /** Updates the independent model from one event and checks the transition against it. */
    private static void track(Model model, GuestState next, GuestEvent e, Set<String> acceptedUpids,
                              Map<String, Integer> finishCount, Where where) {
        if (e instanceof CreationStarted c) {
            check(!model.exists, "create only on a free vmid", where);
            acceptedUpids.add(c.task().upid());
            model.exists = true;
            model.run = RunState.STOPPED;
            model.config = c.config();
        } else if (e instanceof OperationStarted o) {
            check(model.exists, "operations only on an existing guest", where);
            acceptedUpids.add(o.task().upid());
        } else if (e instanceof TaskFinished f) {
            check(!f.task().running(), "a finished task is not running", where);
            check(acceptedUpids.contains(f.task().upid()), "only accepted tasks finish", where);
            finishCount.merge(f.task().upid(), 1, Integer::sum);
            model.finishedUpids.add(f.task().upid());
            GuestOperation op = operationOf(f.task());
            if (f.task().succeeded()) {
                if (op == GuestOperation.DELETE) {
                    model.exists = false;
                } else if (op == GuestOperation.CREATE || op == GuestOperation.CONFIG) {
                    if (f.finalConfig() != null) {
                        model.config = f.finalConfig();
                    } else if (op == GuestOperation.CONFIG) {
                        model.config = next.guest().config(); // the target, checked by GuestDeciderTest
                    }
                } else {
                    model.run = op.resultingState(model.run);
                }
            } else if (op == GuestOperation.CREATE) {
                model.exists = false;
            } else if (f.observedState() != null) {
                model.run = f.observedState();
            }
        } else if (e instanceof GuestEvent.RunStateObserved o) {
            check(o.from() == model.run, "observed from the believed state", where);
            model.run = o.to();
        }
    }

    private static GuestOperation operationOf(TaskRecord task) {
        for (GuestOperation op : GuestOperation.values()) {
            for (GuestType t : GuestType.values()) {
                if (op.taskType(t).equals(task.type())) {
                    return op;
                }
            }
        }
        throw new AssertionError("unknown task type " + task.type());
    }

    private static void checkInvariants(GuestState s, Model model, Where where) {
        // a guest exists iff a create was accepted, did not fail, and no delete succeeded after it
        check(s.exists() == model.exists, "exists iff created and not deleted", where);
        if (s.exists()) {
            check(s.guest().runState() == model.run, "run state " + model.run, where);
            check(s.guest().config() != null && s.guest().config().equals(model.config), "config " + model.config, where);
        } else {
            check(s.active() == null, "no operation without a guest", where);
        }
        check(s.recentTasks().size() <= GuestState.RECENT_TASKS, "recent tasks bounded", where);
        Set<String> seen = new HashSet<>();
        for (TaskRecord t : s.recentTasks()) {
            check(!t.running(), "recent tasks are finished", where);
            check(seen.add(t.upid()), "recent tasks are unique", where);
        }
        if (s.active() != null) {
            check(s.active().task().running(), "the active task runs", where);
            check(!seen.contains(s.active().task().upid()), "the active task is not finished", where);
        }
    }

    /** Where a check failed; rendered only then. */
    private record Where(int sequence, int step, int vmid, GuestState before) {}

    private static void check(boolean ok, String what, Where where) {
        if (!ok) {
            throw new AssertionError(what + " violated at " + where);
        }
    }
}
