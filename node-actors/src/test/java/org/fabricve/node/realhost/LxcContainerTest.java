package org.fabricve.node.realhost;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.fabricve.core.hypervisor.DomainStatus;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.node.libvirt.DomainType;
import org.fabricve.node.libvirt.LibvirtHypervisor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.DomainInfo.DomainState;
import org.libvirt.LibvirtException;
import org.libvirt.MemoryStatistic;

/**
 * A real LXC container on lxc:/// from the busybox template (scripts/build-lxc-template.sh): its rootfs is
 * the unpacked tarball; it starts, runs its /sbin/init, uses real memory under a memory limit, freezes and
 * thaws, is destroyed and undefined. Lifecycle calls go through {@link LibvirtHypervisor}; define (the
 * port's DomainSpec has no rootfs) and memory statistics through plain libvirt-java.
 */
class LxcContainerTest {

    static final String URI = "lxc:///";
    static Path template;
    static Path work;
    static LibvirtHypervisor hv;
    static Connect conn;

    @BeforeAll
    static void setUp() throws Exception {
        RealHost.skipOnlyWhenTold();
        RealHost.ensureDaemon(URI);
        template = RealHost.busyboxTemplate();
        work = Files.createDirectories(RealHost.repo().resolve("node-actors/target/realhost"));
        hv = LibvirtHypervisor.connect(URI);
        conn = new Connect(URI, false);
    }

    @AfterAll
    static void tearDown() throws LibvirtException {
        if (conn != null) {
            conn.close();
        }
        if (hv != null) {
            hv.close();
        }
    }

    @Test
    void busyboxContainerStartsRunsInitUsesMemoryFreezesThawsAndGoesAway() throws Exception {
        assertThat(hv.domainType()).isEqualTo(DomainType.LXC);
        String name = "fabric-rh-ct-" + UUID.randomUUID().toString().substring(0, 8);
        Path rootfs = Files.createDirectories(work.resolve(name + "-rootfs"));
        try {
            long tu = System.nanoTime();
            RealHost.Result untar = RealHost.run(Duration.ofSeconds(60), "tar", "-xzf", template.toString(),
                    "-C", rootfs.toString());
            assertThat(untar.exitCode()).as(untar.output()).isZero();
            System.out.printf("realhost: template unpacked in %d ms%n", RealHost.ms(tu));
            assertThat(rootfs.resolve("sbin/init")).isExecutable();

            Domain def = conn.domainDefineXML(domainXml(name, rootfs, 128));
            def.free();

            long t0 = System.nanoTime();
            hv.start(name);
            long startCall = RealHost.ms(t0);
            assertThat(state(name)).isEqualTo(DomainState.VIR_DOMAIN_RUNNING);
            // its init runs: a process of the container (libvirt sets LIBVIRT_LXC_NAME in init's environment)
            RealHost.await("the container's init process", Duration.ofSeconds(20),
                    () -> !RealHost.pidsWithEnv("LIBVIRT_LXC_NAME", name).isEmpty());
            System.out.printf("realhost: LXC start call %d ms, init seen after %d ms%n", startCall, RealHost.ms(t0));

            DomainStatus st = hv.domain(name).orElseThrow();
            assertThat(st.state()).isEqualTo(RunState.RUNNING);
            assertThat(st.maxMemoryBytes()).isEqualTo(128L * 1024 * 1024);
            RealHost.await("non-zero memory use", Duration.ofSeconds(10),
                    () -> hv.domain(name).orElseThrow().memoryBytes() > 0);
            Domain d = conn.domainLookupByName(name);
            try {
                DomainInfo info = d.getInfo();
                MemoryStatistic[] stats = d.memoryStats(13);
                StringBuilder sb = new StringBuilder();
                for (MemoryStatistic m : stats) {
                    sb.append(' ').append(m.getTag()).append('=').append(m.getValue());
                }
                System.out.printf("realhost: container memory %d KiB of %d KiB; memoryStats (tag=KiB):%s%n",
                        info.memory, info.maxMem, sb);
                assertThat(info.memory).isPositive();
                assertThat(info.memory).isLessThanOrEqualTo(info.maxMem);
            } finally {
                d.free();
            }

            // freeze + thaw
            long t1 = System.nanoTime();
            hv.suspend(name);
            assertThat(state(name)).isEqualTo(DomainState.VIR_DOMAIN_PAUSED);
            assertThat(hv.domain(name).orElseThrow().state()).isEqualTo(RunState.PAUSED);
            hv.resume(name);
            assertThat(state(name)).isEqualTo(DomainState.VIR_DOMAIN_RUNNING);
            System.out.printf("realhost: freeze+thaw %d ms%n", RealHost.ms(t1));

            // destroy + undefine
            long t2 = System.nanoTime();
            hv.stop(name);
            assertThat(hv.domain(name).orElseThrow().state()).isEqualTo(RunState.STOPPED);
            RealHost.await("the container's processes to end", Duration.ofSeconds(20),
                    () -> RealHost.pidsWithEnv("LIBVIRT_LXC_NAME", name).isEmpty());
            hv.undefine(name);
            assertThat(hv.domain(name)).isEmpty();
            System.out.printf("realhost: LXC stop+undefine %d ms%n", RealHost.ms(t2));
        } finally {
            if (hv.domain(name).isPresent()) {
                hv.undefine(name);
            }
            RealHost.run(Duration.ofSeconds(60), "rm", "-rf", "--one-file-system", rootfs.toString());
        }
    }

    private static DomainState state(String name) throws LibvirtException {
        Domain d = conn.domainLookupByName(name);
        try {
            return d.getInfo().state;
        } finally {
            d.free();
        }
    }

    static String domainXml(String name, Path rootfs, int memoryMiB) {
        return "<domain type='lxc'>\n"
                + "  <name>" + RealHost.xml(name) + "</name>\n"
                + "  <memory unit='MiB'>" + memoryMiB + "</memory>\n"
                + "  <vcpu>1</vcpu>\n"
                + "  <os>\n"
                + "    <type>exe</type>\n"
                + "    <init>/sbin/init</init>\n"
                + "  </os>\n"
                + "  <features><privnet/></features>\n"
                + "  <on_poweroff>destroy</on_poweroff>\n"
                + "  <on_reboot>restart</on_reboot>\n"
                + "  <on_crash>destroy</on_crash>\n"
                + "  <devices>\n"
                + "    <filesystem type='mount'>\n"
                + "      <source dir='" + RealHost.xml(rootfs.toString()) + "'/>\n"
                + "      <target dir='/'/>\n"
                + "    </filesystem>\n"
                + "    <console type='pty'/>\n"
                + "  </devices>\n"
                + "</domain>\n";
    }
}
