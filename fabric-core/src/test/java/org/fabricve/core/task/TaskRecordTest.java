package org.fabricve.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskRecordTest {

    private static final Upid UPID = new Upid("pve1", 7, 0x100, 1_700_000_000L, "qmstart", "100", "root@pam");

    @Test
    void startedCopiesTheUpidFieldsAndRuns() {
        TaskRecord t = TaskRecord.started(UPID, "start VM 100");
        assertThat(t.upid()).isEqualTo(UPID.format());
        assertThat(t.node()).isEqualTo("pve1");
        assertThat(t.type()).isEqualTo("qmstart");
        assertThat(t.id()).isEqualTo("100");
        assertThat(t.user()).isEqualTo("root@pam");
        assertThat(t.startTime()).isEqualTo(1_700_000_000L);
        assertThat(t.endTime()).isZero();
        assertThat(t.exitStatus()).isNull();
        assertThat(t.log()).containsExactly("start VM 100");
        assertThat(t.running()).isTrue();
        assertThat(t.succeeded()).isFalse();
    }

    @Test
    void finishedOkAppendsTheLogAndTaskOk() {
        TaskRecord started = TaskRecord.started(UPID, "start VM 100");
        TaskRecord done = started.finished(1_700_000_005L, "OK", List.of("domain started"));
        assertThat(done.exitStatus()).isEqualTo(TaskRecord.OK);
        assertThat(done.endTime()).isEqualTo(1_700_000_005L);
        assertThat(done.log()).containsExactly("start VM 100", "domain started", "TASK OK");
        assertThat(done.running()).isFalse();
        assertThat(done.succeeded()).isTrue();
        assertThat(done.upid()).isEqualTo(started.upid());
        assertThat(done.startTime()).isEqualTo(started.startTime());
        // the started record is unchanged
        assertThat(started.log()).containsExactly("start VM 100");
        assertThat(started.running()).isTrue();
    }

    @Test
    void finishedWithAnErrorAppendsTaskError() {
        TaskRecord done = TaskRecord.started(UPID, "start VM 100")
                .finished(1_700_000_001L, "unable to start: no memory", List.of());
        assertThat(done.log()).containsExactly("start VM 100", "TASK ERROR: unable to start: no memory");
        assertThat(done.exitStatus()).isEqualTo("unable to start: no memory");
        assertThat(done.running()).isFalse();
        assertThat(done.succeeded()).isFalse();
    }

    @Test
    void okIsCaseSensitiveAsInProxmox() {
        TaskRecord done = TaskRecord.started(UPID, "x").finished(1, "ok", List.of());
        assertThat(done.succeeded()).isFalse();
        assertThat(done.log()).last().isEqualTo("TASK ERROR: ok");
    }

    @Test
    void theLogIsImmutableAndDefensivelyCopied() {
        var lines = new ArrayList<>(List.of("a"));
        TaskRecord t = new TaskRecord("u", "n", "t", "i", "us", 1, 0, null, lines);
        lines.add("b");
        assertThat(t.log()).containsExactly("a");
        assertThatThrownBy(() -> t.log().add("c")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new TaskRecord("u", "n", "t", "i", "us", 1, 0, null, null))
                .isInstanceOf(NullPointerException.class);
    }
}
