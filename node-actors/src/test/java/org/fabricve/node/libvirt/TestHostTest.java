package org.fabricve.node.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.hypervisor.DomainStatus;
import org.fabricve.core.hypervisor.PoolInfo;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.core.hypervisor.VolumeInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestHostTest {

    @TempDir
    Path dir;
    Path saved;

    @Test
    void freshHostHasPoolNetworkCpusAndMemory() throws Exception {
        Path file = dir.resolve("host files/node & co.xml");
        Path pool = Files.createDirectories(dir.resolve("pool dir & more"));
        TestHost.write(file, "pve<2>", 12, 32768, pool);
        assertThat(TestHost.readHostname(file)).contains("pve<2>");
        try (LibvirtHypervisor hv = LibvirtHypervisor.connect(TestHost.uri(file))) {
            assertThat(hv.hostInfo().hostname()).isEqualTo("pve<2>");
            assertThat(hv.hostInfo().cpus()).isEqualTo(12);
            assertThat(hv.hostInfo().memoryBytes()).isEqualTo(32768L << 20);
            assertThat(hv.pools()).extracting(PoolInfo::name, PoolInfo::path, PoolInfo::active)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("local", pool.toAbsolutePath().toString(), true));
            assertThat(hv.listDomains()).isEmpty();
        }
        assertThat(Virsh.run(file, "net-list", "--all")).containsPattern("vmbr0\\s+active");
        assertThat(Virsh.run(file, "pool-list", "--all")).containsPattern("local\\s+active");
    }

    @Test
    void saveStateThenReopenFindsTheSameHost() throws Exception {
        Path file = dir.resolve("pve1.xml");
        Path pool = Files.createDirectories(dir.resolve("local"));
        TestHost.write(file, "pve1", 4, 8192, pool);
        saved = file;
        String uri = TestHost.uri(file);
        Map<String, DomainStatus> before;
        Map<String, VolumeInfo> volsBefore;
        try (LibvirtHypervisor hv = LibvirtHypervisor.connect(uri)) {
            hv.define(Specs.full("running", 101, "runs & <is> \"fine\""));
            hv.start("running");
            hv.define(Specs.simple("paused", 102));
            hv.start("paused");
            hv.suspend("paused");
            hv.define(Specs.simple("stopped", 103));
            hv.define(Specs.simple("gone", 104));
            hv.undefine("gone");
            hv.createVolume("local", "vm-101-disk-0.qcow2", 4L << 30, "qcow2");
            hv.createVolume("local", "vm-102-disk-0.raw", 1L << 30, "raw");
            hv.createVolume("local", "deleted.raw", 1L << 20, "raw");
            hv.deleteVolume("local", "deleted.raw");
            before = byName(hv);
            volsBefore = vols(hv);
            TestHost.saveState(file, hv);
        }
        try (LibvirtHypervisor again = LibvirtHypervisor.connect(uri)) {
            Map<String, DomainStatus> after = byName(again);
            assertThat(after).containsOnlyKeys("running", "paused", "stopped");
            assertThat(after.get("running").state()).isEqualTo(RunState.RUNNING);
            assertThat(after.get("paused").state()).isEqualTo(RunState.PAUSED);
            assertThat(after.get("stopped").state()).isEqualTo(RunState.STOPPED);
            for (String n : after.keySet()) {
                assertThat(after.get(n).uuid()).isEqualTo(before.get(n).uuid());
                assertThat(after.get(n).vcpus()).isEqualTo(before.get(n).vcpus());
                assertThat(after.get(n).maxMemoryBytes()).isEqualTo(before.get(n).maxMemoryBytes());
            }
            assertThat(vols(again)).isEqualTo(volsBefore);
            assertThat(again.hostInfo().hostname()).isEqualTo("pve1");
            assertThat(again.hostInfo().cpus()).isEqualTo(4);
            assertThat(again.hostInfo().memoryBytes()).isEqualTo(8192L << 20);
            assertThat(again.savedDomains()).extracting(d -> DomainMetadata.read(d.inactiveXml()).orElseThrow())
                    .containsExactlyInAnyOrder(new DomainMetadata(101, GuestType.QEMU),
                            new DomainMetadata(102, GuestType.QEMU), new DomainMetadata(103, GuestType.QEMU));
            // the reopened host works on: stop one, save again, reopen again
            again.stop("running");
            TestHost.saveState(file, again);
        }
        // independently, through virsh
        String list = Virsh.run(file, "list", "--all");
        assertThat(list).containsPattern("running\\s+shut off").containsPattern("paused\\s+paused")
                .containsPattern("stopped\\s+shut off");
        assertThat(Virsh.run(file, "vol-list", "local")).contains("vm-101-disk-0.qcow2").contains("vm-102-disk-0.raw")
                .doesNotContain("deleted.raw");
        assertThat(Virsh.run(file, "net-list", "--all")).containsPattern("vmbr0\\s+active");
        assertThat(Virsh.run(file, "dumpxml", "running")).contains("runs &amp; &lt;is&gt;");
        assertThat(Files.readString(file)).doesNotContain("\n\n"); // indentation does not pile up
    }

    private static Map<String, DomainStatus> byName(LibvirtHypervisor hv) {
        return hv.listDomains().stream().collect(Collectors.toMap(DomainStatus::name, d -> d));
    }

    private static Map<String, VolumeInfo> vols(LibvirtHypervisor hv) {
        return hv.volumes("local").stream().collect(Collectors.toMap(VolumeInfo::name, v -> v));
    }
}
