package org.fabricve.core.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fabricve.core.task.Upid;
import org.junit.jupiter.api.Test;

class ShutdownOptionsTest {

    @Test
    void aShutdownWaitsUntilTheTimeoutThenStopsHardOnlyWhenForced() {
        ShutdownOptions wait = new ShutdownOptions(3, false);
        assertThat(wait.next(false, 0)).isEqualTo(ShutdownOptions.Next.DONE);
        assertThat(wait.next(true, 2_999)).isEqualTo(ShutdownOptions.Next.WAIT);
        assertThat(wait.next(true, 3_000)).isEqualTo(ShutdownOptions.Next.GIVE_UP);
        assertThat(new ShutdownOptions(3, true).next(true, 3_000)).isEqualTo(ShutdownOptions.Next.FORCE_STOP);
        assertThat(new ShutdownOptions(0, true).next(true, 0)).as("no wait at all").isEqualTo(ShutdownOptions.Next.FORCE_STOP);
        assertThat(new ShutdownOptions(0, true).next(false, 0)).isEqualTo(ShutdownOptions.Next.DONE);
    }

    @Test
    void aTimeoutOutsideZeroToADayIsRefused() {
        assertThatThrownBy(() -> new ShutdownOptions(-1, false)).hasMessageContaining("timeout");
        assertThatThrownBy(() -> new ShutdownOptions(ShutdownOptions.MAX_TIMEOUT_SECONDS + 1, false)).hasMessageContaining("timeout");
    }

    @Test
    void theOptionsTravelWithTheShutdownOnlyAndDefaultToProxmoxs() {
        GuestState running = Guests.idle(org.fabricve.core.hypervisor.RunState.RUNNING);
        ShutdownOptions forced = new ShutdownOptions(5, true);
        Upid upid = Guests.upid(GuestOperation.SHUTDOWN);

        Decision d = GuestDecider.operate(running, Guests.VMID, GuestOperation.SHUTDOWN, upid, forced);
        GuestState shuttingDown = Guests.fold(running, d);
        assertThat(shuttingDown.active().shutdown()).isEqualTo(forced);
        assertThat(shuttingDown.active().shutdownOrDefault()).isEqualTo(forced);

        GuestState plain = Guests.fold(running, GuestDecider.operate(running, Guests.VMID, GuestOperation.SHUTDOWN,
                Guests.upid(GuestOperation.SHUTDOWN)));
        assertThat(plain.active().shutdownOrDefault()).isEqualTo(new ShutdownOptions(60, false));

        GuestState rebooting = Guests.fold(running, GuestDecider.operate(running, Guests.VMID, GuestOperation.REBOOT,
                Guests.upid(GuestOperation.REBOOT), forced));
        assertThat(rebooting.active().shutdown()).as("not a shutdown: no options kept").isNull();
        assertThat(Guests.events(d)).singleElement().isInstanceOf(GuestEvent.OperationStarted.class);
    }
}
