package org.fabricve.node.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.hypervisor.DomainSpec;
import org.fabricve.core.hypervisor.DomainStatus;
import org.fabricve.core.hypervisor.HostInfo;
import org.fabricve.core.hypervisor.HypervisorException;
import org.fabricve.core.hypervisor.PoolInfo;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.core.hypervisor.VolumeInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against real libvirt test-driver hosts, one node file per test. */
class LibvirtHypervisorTest {

    @TempDir
    Path dir;
    Path nodeFile;
    Path poolDir;
    LibvirtHypervisor hv;

    @BeforeEach
    void host() throws Exception {
        nodeFile = dir.resolve("pve1.xml");
        poolDir = Files.createDirectories(dir.resolve("local"));
        TestHost.write(nodeFile, "pve1", 8, 16384, poolDir);
        hv = LibvirtHypervisor.connect("test://" + nodeFile.toAbsolutePath());
    }

    @AfterEach
    void closeHost() {
        hv.close();
    }

    @Test
    void hostInfoReportsWhatTheFileSays() {
        assertThat(hv.domainType()).isEqualTo(DomainType.TEST);
        HostInfo info = hv.hostInfo();
        assertThat(info.hostname()).isEqualTo("pve1");
        assertThat(info.cpus()).isEqualTo(8);
        assertThat(info.memoryBytes()).isEqualTo(16384L * 1024 * 1024);
        assertThat(info.cpuModel()).isEqualTo("fabric-sim");
        assertThat(hv.listDomains()).isEmpty();
        // independently: virsh reads the same file as a host of its own
        assertThat(Virsh.run(nodeFile, "nodeinfo"))
                .containsPattern("CPU\\(s\\):\\s+8")
                .containsPattern("Memory size:\\s+16777216 KiB");
    }

    @Test
    void lifecycleStatesThroughListAndLookup() {
        hv.define(Specs.full("web", 101, "Web & <db>"));
        assertThat(state("web")).isEqualTo(RunState.STOPPED);
        DomainStatus stopped = hv.domain("web").orElseThrow();
        assertThat(stopped.state()).isEqualTo(RunState.STOPPED);
        assertThat(stopped.vcpus()).isEqualTo(2);
        assertThat(stopped.maxMemoryBytes()).isEqualTo(2048L * 1024 * 1024);
        assertThat(stopped.memoryBytes()).isZero();
        assertThat(stopped.cpuTimeNanos()).isZero();
        assertThat(stopped.uuid()).hasSize(36);

        hv.start("web");
        assertThat(state("web")).isEqualTo(RunState.RUNNING);
        DomainStatus running = hv.domain("web").orElseThrow();
        assertThat(running.state()).isEqualTo(RunState.RUNNING);
        assertThat(running.memoryBytes()).isEqualTo(2048L * 1024 * 1024);
        assertThat(running.uuid()).isEqualTo(stopped.uuid());

        hv.suspend("web");
        assertThat(state("web")).isEqualTo(RunState.PAUSED);
        assertThat(hv.domain("web").orElseThrow().state()).isEqualTo(RunState.PAUSED);

        hv.resume("web");
        assertThat(state("web")).isEqualTo(RunState.RUNNING);
        assertThat(hv.domain("web").orElseThrow().state()).isEqualTo(RunState.RUNNING);

        hv.reboot("web");
        assertThat(hv.domain("web").orElseThrow().state()).isEqualTo(RunState.RUNNING);

        hv.stop("web");
        assertThat(state("web")).isEqualTo(RunState.STOPPED);
        assertThat(hv.domain("web").orElseThrow().state()).isEqualTo(RunState.STOPPED);

        hv.start("web");
        hv.shutdown("web"); // the test driver powers off at once
        assertThat(hv.domain("web").orElseThrow().state()).isEqualTo(RunState.STOPPED);

        hv.undefine("web");
        assertThat(hv.listDomains()).isEmpty();
        assertThat(hv.domain("web")).isEmpty();
    }

    @Test
    void activeDomainsAreTheRunningAndPausedOnesOnly() {
        hv.define(Specs.simple("vm-100", 100));
        hv.define(Specs.simple("vm-101", 101));
        hv.define(Specs.simple("vm-102", 102));
        assertThat(hv.activeDomains()).isEmpty();
        hv.start("vm-101");
        hv.start("vm-102");
        hv.suspend("vm-102");
        assertThat(hv.activeDomains()).extracting(DomainStatus::name).containsExactlyInAnyOrder("vm-101", "vm-102");
        assertThat(hv.activeDomains()).extracting(DomainStatus::state)
                .containsExactlyInAnyOrder(RunState.RUNNING, RunState.PAUSED);
        hv.stop("vm-101");
        assertThat(hv.activeDomains()).extracting(DomainStatus::name).containsExactly("vm-102");
        assertThat(hv.listDomains()).hasSize(3);
    }

    @Test
    void definedDomainCarriesFabricMetadataAndRedefineKeepsIdentity() {
        hv.define(Specs.simple("vm-100", 100));
        String uuid = hv.domain("vm-100").orElseThrow().uuid();
        hv.start("vm-100");
        DomainSpec bigger = new DomainSpec("vm-100", GuestType.QEMU, 100, "now bigger", 1024, 4,
                Specs.full("x", 100, null).disks(), Specs.full("x", 100, null).nics());
        hv.define(bigger); // redefine while running: config for the next boot, state untouched
        DomainStatus s = hv.domain("vm-100").orElseThrow();
        assertThat(s.uuid()).isEqualTo(uuid);
        assertThat(s.state()).isEqualTo(RunState.RUNNING);
        hv.stop("vm-100");
        assertThat(hv.domain("vm-100").orElseThrow().maxMemoryBytes()).isEqualTo(1024L * 1024 * 1024);
        assertThat(hv.domain("vm-100").orElseThrow().vcpus()).isEqualTo(4);
        assertThat(hv.listDomains()).hasSize(1);
        assertThat(DomainMetadata.read(hv.savedDomains().get(0).inactiveXml()))
                .contains(new DomainMetadata(100, GuestType.QEMU));
    }

    @Test
    void lxcGuestOnTheTestDriverIsATestDomain() {
        hv.define(new DomainSpec("ct200", GuestType.LXC, 200, null, 256, 1, java.util.List.of(),
                Specs.full("x", 1, null).nics()));
        hv.start("ct200");
        assertThat(state("ct200")).isEqualTo(RunState.RUNNING);
        assertThat(DomainMetadata.read(hv.savedDomains().get(0).inactiveXml()))
                .contains(new DomainMetadata(200, GuestType.LXC));
    }

    @Test
    void idempotentOperations() {
        hv.undefine("never-defined");
        hv.define(Specs.simple("a", 1));
        hv.stop("a");
        hv.shutdown("a");
        assertThat(state("a")).isEqualTo(RunState.STOPPED);
        hv.start("a");
        hv.start("a");
        hv.resume("a");
        assertThat(state("a")).isEqualTo(RunState.RUNNING);
        hv.suspend("a");
        hv.suspend("a");
        assertThat(state("a")).isEqualTo(RunState.PAUSED);
        hv.start("a"); // a paused domain is active: start leaves it alone
        assertThat(state("a")).isEqualTo(RunState.PAUSED);
        hv.stop("a");
        hv.stop("a");
        assertThat(state("a")).isEqualTo(RunState.STOPPED);
        hv.start("a");
        hv.undefine("a"); // destroys, then undefines
        hv.undefine("a");
        assertThat(hv.listDomains()).isEmpty();
        hv.deleteVolume("local", "no-such-volume");
    }

    @Test
    void errorsNameTheDomainOrPool() {
        assertThatThrownBy(() -> hv.start("ghost"))
                .isInstanceOf(HypervisorException.class)
                .hasMessageContaining("start domain ghost").hasMessageContaining("no such domain");
        assertThatThrownBy(() -> hv.reboot("ghost")).isInstanceOf(HypervisorException.class)
                .hasMessageContaining("ghost");
        hv.define(Specs.simple("off", 2));
        assertThatThrownBy(() -> hv.suspend("off"))
                .isInstanceOf(HypervisorException.class)
                .hasMessageContaining("suspend domain off");
        assertThatThrownBy(() -> hv.resume("off"))
                .isInstanceOf(HypervisorException.class).hasMessageContaining("resume domain off");
        assertThatThrownBy(() -> hv.volumes("nopool"))
                .isInstanceOf(HypervisorException.class).hasMessageContaining("storage pool nopool");
        assertThatThrownBy(() -> hv.createVolume("nopool", "v", 1024, "raw"))
                .isInstanceOf(HypervisorException.class).hasMessageContaining("nopool");
        hv.createVolume("local", "dup.raw", 1024 * 1024, "raw");
        assertThatThrownBy(() -> hv.createVolume("local", "dup.raw", 1024 * 1024, "raw"))
                .isInstanceOf(HypervisorException.class)
                .hasMessageContaining("create volume dup.raw in storage pool local");
        // libvirt itself refuses: a title with a line break never reaches it, a bad MAC does
        DomainSpec badMac = new DomainSpec("badmac", GuestType.QEMU, 3, null, 64, 1, java.util.List.of(),
                java.util.List.of(new DomainSpec.NicSpec(0, "virtio", "not-a-mac", "vmbr0", 0)));
        assertThatThrownBy(() -> hv.define(badMac))
                .isInstanceOf(HypervisorException.class).hasMessageContaining("define domain badmac");
        assertThat(hv.domain("badmac")).isEmpty();
    }

    @Test
    void poolsAndVolumes() {
        PoolInfo local = hv.pools().stream().filter(p -> p.name().equals("local")).findFirst().orElseThrow();
        assertThat(local.type()).isEqualTo("dir");
        assertThat(local.path()).isEqualTo(poolDir.toAbsolutePath().toString());
        assertThat(local.active()).isTrue();
        assertThat(local.capacityBytes()).isEqualTo(100L << 30); // the test driver's fixed size
        assertThat(hv.volumes("local")).isEmpty();

        VolumeInfo v = hv.createVolume("local", "vm-100-disk-0.qcow2", 8L << 30, "qcow2");
        assertThat(v.pool()).isEqualTo("local");
        assertThat(v.name()).isEqualTo("vm-100-disk-0.qcow2");
        assertThat(v.path()).isEqualTo(poolDir.resolve("vm-100-disk-0.qcow2").toAbsolutePath().toString());
        assertThat(v.capacityBytes()).isEqualTo(8L << 30);
        assertThat(v.format()).isEqualTo("qcow2");
        hv.createVolume("local", "vm-100-disk-1.raw", 1L << 20, null);

        Map<String, VolumeInfo> byName = hv.volumes("local").stream()
                .collect(Collectors.toMap(VolumeInfo::name, x -> x));
        assertThat(byName).containsOnlyKeys("vm-100-disk-0.qcow2", "vm-100-disk-1.raw");
        assertThat(byName.get("vm-100-disk-1.raw").format()).isEqualTo("raw");
        assertThat(byName.get("vm-100-disk-0.qcow2")).isEqualTo(v);

        hv.deleteVolume("local", "vm-100-disk-0.qcow2");
        assertThat(hv.volumes("local")).extracting(VolumeInfo::name).containsExactly("vm-100-disk-1.raw");
        hv.deleteVolume("local", "vm-100-disk-0.qcow2");
    }

    @Test
    void closedHypervisorRefusesCalls() {
        hv.close();
        hv.close();
        assertThatThrownBy(() -> hv.listDomains()).isInstanceOf(HypervisorException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void connectionErrorsAreHypervisorExceptions() {
        assertThatThrownBy(() -> LibvirtHypervisor.connect("test://" + dir.resolve("missing.xml")))
                .isInstanceOf(HypervisorException.class).hasMessageContaining("missing.xml");
    }

    private RunState state(String name) {
        Optional<DomainStatus> s = hv.listDomains().stream().filter(d -> d.name().equals(name)).findFirst();
        return s.orElseThrow(() -> new AssertionError("no domain " + name + " in listDomains()")).state();
    }
}
