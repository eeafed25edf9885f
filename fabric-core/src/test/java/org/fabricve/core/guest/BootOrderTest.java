package org.fabricve.core.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.guest.BootOrder.BootStart;
import org.fabricve.core.hypervisor.RunState;
import org.junit.jupiter.api.Test;

class BootOrderTest {

    private static Guest guest(int vmid, RunState run, Map<String, String> values) {
        return new Guest(vmid, GuestType.QEMU, "pve1", GuestConfig.of(GuestType.QEMU, values), run);
    }

    @Test
    void onbootGuestsStartByOrderThenVmidWithoutAnOrderLastEachWaitingItsUpDelay() {
        List<Guest> guests = List.of(
                guest(300, RunState.STOPPED, Map.of("onboot", "1")),
                guest(200, RunState.STOPPED, Map.of("onboot", "1", "startup", "order=2")),
                guest(100, RunState.STOPPED, Map.of("onboot", "1", "startup", "order=2,up=5")),
                guest(400, RunState.HIBERNATED, Map.of("onboot", "1", "startup", "order=1,up=30,down=10")),
                guest(150, RunState.STOPPED, Map.of("onboot", "1")));

        assertThat(BootOrder.plan(guests, Set.of())).containsExactly(
                new BootStart(400, 1, 30), new BootStart(100, 2, 5), new BootStart(200, 2, 0),
                new BootStart(150, Integer.MAX_VALUE, 0), new BootStart(300, Integer.MAX_VALUE, 0));
    }

    @Test
    void runningTemplatesHaManagedAndNotOnbootGuestsAreLeftAlone() {
        List<Guest> guests = List.of(
                guest(100, RunState.RUNNING, Map.of("onboot", "1")),
                guest(101, RunState.PAUSED, Map.of("onboot", "1")),
                guest(102, RunState.STOPPED, Map.of("onboot", "1", "template", "1")),
                guest(103, RunState.STOPPED, Map.of("onboot", "1")),
                guest(104, RunState.STOPPED, Map.of("onboot", "0")),
                guest(105, RunState.STOPPED, Map.of()));

        assertThat(BootOrder.plan(guests, Set.of(103))).isEmpty();
    }
}
