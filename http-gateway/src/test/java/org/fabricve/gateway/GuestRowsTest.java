package org.fabricve.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.guest.Guest;
import org.fabricve.core.guest.GuestState;
import org.fabricve.core.hypervisor.RunState;
import org.junit.jupiter.api.Test;

class GuestRowsTest {

    private static GuestState state(int vmid, RunState run) {
        return new GuestState(new Guest(vmid, GuestType.QEMU, "pve1",
                GuestConfig.of(GuestType.QEMU, Map.of("memory", "512")), run), null, List.of());
    }

    @Test
    void rendersOncePerStateObjectAndAgainWhenTheStateChanges() {
        AtomicInteger renders = new AtomicInteger();
        GuestRows rows = new GuestRows(s -> {
            renders.incrementAndGet();
            return Map.of("status", s.guest().runState().name());
        });
        GuestState stopped = state(100, RunState.STOPPED);
        Map<String, Object> first = rows.row(stopped);
        assertThat(rows.row(stopped)).isSameAs(first);
        assertThat(renders).hasValue(1);
        assertThat(rows.row(state(100, RunState.RUNNING))).containsEntry("status", "RUNNING");
        assertThat(renders).hasValue(2);
        assertThatThrownBy(() -> first.put("x", 1)).as("shared rows are read-only")
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void prunesGuestsThatAreGone() {
        AtomicInteger renders = new AtomicInteger();
        GuestRows rows = new GuestRows(s -> {
            renders.incrementAndGet();
            return Map.of();
        });
        GuestState kept = state(100, RunState.STOPPED);
        rows.row(kept);
        for (int vmid = 101; vmid < 300; vmid++) {
            rows.row(state(vmid, RunState.STOPPED));
        }
        rows.prune(List.of(kept));
        int before = renders.get();
        rows.row(kept);
        rows.row(state(150, RunState.STOPPED));
        assertThat(renders.get() - before).as("the kept row stays cached, the pruned one renders again").isEqualTo(1);
    }
}
