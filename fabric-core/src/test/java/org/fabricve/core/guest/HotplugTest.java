package org.fabricve.core.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.guest.Hotplug.Action;
import org.fabricve.core.guest.Hotplug.Change;
import org.fabricve.core.guest.Hotplug.PendingRow;
import org.junit.jupiter.api.Test;

class HotplugTest {

    static final GuestConfig RUNNING = GuestConfig.of(GuestType.QEMU, Map.of("memory", "512", "sockets", "1",
            "cores", "4", "vcpus", "2", "scsi0", "local:vm-100-disk-0,size=1G", "net0", "virtio=AA:BB:CC:DD:EE:01,bridge=vmbr0",
            "name", "web"));

    @Test
    void byDefaultDisksAndNicsComeAndGoLiveAndMemoryWaits() {
        GuestConfig target = RUNNING.with("scsi1", "local:vm-100-disk-1,size=1G").without("net0")
                .with("memory", "1024").with("name", "web2");
        Hotplug.Plan plan = Hotplug.plan(GuestType.QEMU, RUNNING, target);
        assertThat(plan.fast()).containsExactly("name");
        assertThat(plan.hot()).containsExactly(new Change("net0", Action.DETACH), new Change("scsi1", Action.ATTACH));
        assertThat(plan.pending()).containsExactly("memory");
    }

    @Test
    void vcpusOnlyWithTheCpuCategoryAndTheSameTopology() {
        GuestConfig more = RUNNING.with("vcpus", "3");
        assertThat(Hotplug.plan(GuestType.QEMU, RUNNING, more).pending()).containsExactly("vcpus");
        GuestConfig cpu = more.with("hotplug", "disk,cpu");
        Hotplug.Plan plan = Hotplug.plan(GuestType.QEMU, RUNNING.with("hotplug", "disk,cpu"), cpu);
        assertThat(plan.hot()).containsExactly(new Change("vcpus", Action.SET_VCPUS));
        Hotplug.Plan reshaped = Hotplug.plan(GuestType.QEMU, RUNNING, cpu.with("cores", "8"));
        assertThat(reshaped.pending()).containsExactly("cores", "vcpus");
        assertThat(reshaped.fast()).containsExactly("hotplug");
    }

    @Test
    void moreMemoryGoesLiveOnlyWithTheMemoryCategoryAndNuma() {
        GuestConfig numa = RUNNING.with("numa", "1").with("hotplug", "disk,memory");
        assertThat(Hotplug.plan(GuestType.QEMU, numa, numa.with("memory", "1024")).hot())
                .containsExactly(new Change("memory", Action.ADD_MEMORY));
        assertThat(Hotplug.plan(GuestType.QEMU, numa, numa.with("memory", "256")).pending())
                .as("less memory needs the guest to give it back").containsExactly("memory");
        assertThat(Hotplug.plan(GuestType.QEMU, numa.without("numa"), numa.without("numa").with("memory", "1024"))
                .pending()).containsExactly("memory");
        assertThat(Hotplug.plan(GuestType.QEMU, numa, numa.with("memory", "1024").with("numa", "0")).pending())
                .containsExactly("memory", "numa");
    }

    @Test
    void hotplugZeroMakesEverythingPendingAndCdromsAndIdeDisksNeverGoLive() {
        GuestConfig target = RUNNING.with("hotplug", "0").with("scsi1", "local:vm-100-disk-1,size=1G");
        assertThat(Hotplug.plan(GuestType.QEMU, RUNNING, target).pending()).containsExactly("scsi1");
        GuestConfig drives = RUNNING.with("ide0", "local:vm-100-disk-2,size=1G")
                .with("scsi2", "local:iso/x.iso,media=cdrom").with("scsi0", "local:vm-100-disk-0,size=1G,cache=none");
        assertThat(Hotplug.plan(GuestType.QEMU, RUNNING, drives).pending()).containsExactly("ide0", "scsi0", "scsi2");
    }

    @Test
    void containersHaveOnlyFastKeys() {
        GuestConfig ct = GuestConfig.of(GuestType.LXC, Map.of("memory", "512", "hostname", "a", "rootfs", "local:vm-1-disk-0"));
        Hotplug.Plan plan = Hotplug.plan(GuestType.LXC, ct, ct.with("hostname", "b").with("memory", "256")
                .with("net0", "name=eth0,bridge=vmbr0"));
        assertThat(plan.fast()).containsExactly("hostname");
        assertThat(plan.hot()).isEmpty();
        assertThat(plan.pending()).containsExactly("memory", "net0");
    }

    @Test
    void theRunningConfigTakesTheFastKeysAndWhatWentLiveOnly() {
        GuestConfig target = RUNNING.with("scsi1", "local:vm-100-disk-1,size=1G").with("net1", "e1000=AA:BB:CC:DD:EE:02,bridge=vmbr0")
                .with("memory", "1024").with("name", "web2");
        Hotplug.Plan plan = Hotplug.plan(GuestType.QEMU, RUNNING, target);
        GuestConfig now = Hotplug.applied(RUNNING, target, plan, List.of("scsi1")); // net1's attach failed
        assertThat(now.get("scsi1")).isEqualTo("local:vm-100-disk-1,size=1G");
        assertThat(now.get("name")).isEqualTo("web2");
        assertThat(now.get("net1")).isNull();
        assertThat(now.get("memory")).isEqualTo("512");
    }

    @Test
    void pendingRowsAsProxmoxListsThem() {
        GuestConfig config = RUNNING.with("memory", "1024").without("net0").with("balloon", "256");
        assertThat(Hotplug.pending(RUNNING, config)).contains(
                new PendingRow("balloon", null, "256", false),
                new PendingRow("memory", "512", "1024", false),
                new PendingRow("net0", "virtio=AA:BB:CC:DD:EE:01,bridge=vmbr0", null, true),
                new PendingRow("cores", "4", null, false));
        assertThat(Hotplug.pending(RUNNING, RUNNING)).allMatch(r -> r.pending() == null && !r.delete());
    }
}
