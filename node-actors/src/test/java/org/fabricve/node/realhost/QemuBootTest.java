package org.fabricve.node.realhost;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.node.libvirt.LibvirtHypervisor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo.DomainState;
import org.libvirt.LibvirtException;

/**
 * A real QEMU guest (TCG) on qemu:///system: a Debian kernel and a busybox initramfs built by
 * scripts/build-test-guest.sh boot to a marker on ttyS0; the console takes a typed command; the guest is
 * suspended and resumed, saved to a file and restored (still answering on its console), destroyed and
 * undefined. Lifecycle calls that the Hypervisor port offers go through {@link LibvirtHypervisor}; the
 * rest (define with a kernel, save/restore) through plain libvirt-java.
 *
 * <p>ttyS0 is a {@code <serial type='pty'>} with a {@code <log file=...>}: the log holds everything the
 * guest printed (from the first byte, whether or not anyone is connected) and the pty takes input.
 */
class QemuBootTest {

    static final String URI = "qemu:///system";
    static Path guest;
    static Path work;
    static LibvirtHypervisor hv;
    static Connect conn;

    @BeforeAll
    static void setUp() throws Exception {
        RealHost.skipOnlyWhenTold();
        RealHost.ensureDaemon(URI);
        guest = RealHost.testGuest();
        work = Files.createDirectories(RealHost.repo().resolve("node-actors/target/realhost"));
        long t = System.nanoTime();
        hv = LibvirtHypervisor.connect(URI);
        System.out.printf("realhost: LibvirtHypervisor.connect(%s) took %d ms, domain type chosen: %s%n", URI,
                RealHost.ms(t), hv.domainType());
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
    void bootsToMarkerTakesConsoleInputSuspendsSavesRestoresAndGoesAway() throws Exception {
        String name = "fabric-rh-qemu-" + UUID.randomUUID().toString().substring(0, 8);
        Path serialLog = work.resolve(name + "-ttyS0.log");
        Path saveFile = work.resolve(name + ".save");
        Files.deleteIfExists(serialLog);
        Files.deleteIfExists(saveFile);
        try {
            Domain d = conn.domainDefineXML(domainXml(name, serialLog));
            d.free();
            assertThat(hv.domain(name)).get().extracting(s -> s.state()).isEqualTo(RunState.STOPPED);

            long t0 = System.nanoTime();
            hv.start(name);
            long started = RealHost.ms(t0);
            RealHost.await("the marker " + RealHost.GUEST_MARKER + " on ttyS0 (" + serialLog + ")",
                    Duration.ofSeconds(90), () -> RealHost.readOrEmpty(serialLog).contains(RealHost.GUEST_MARKER));
            long marker = RealHost.ms(t0);
            System.out.printf("realhost: QEMU/TCG start call %d ms, start to marker %d ms%n", started, marker);
            assertThat(hv.domain(name)).get().extracting(s -> s.state()).isEqualTo(RunState.RUNNING);

            // console: type a command, see its output (the echo of the typed line shows "$((40+2))", not "42")
            typeAndAwait(name, serialLog, "echo $((40+2))-typed-" + name, "42-typed-" + name);

            // suspend + resume
            long t1 = System.nanoTime();
            hv.suspend(name);
            assertThat(state(name)).isEqualTo(DomainState.VIR_DOMAIN_PAUSED);
            assertThat(hv.domain(name)).get().extracting(s -> s.state()).isEqualTo(RunState.PAUSED);
            hv.resume(name);
            assertThat(state(name)).isEqualTo(DomainState.VIR_DOMAIN_RUNNING);
            System.out.printf("realhost: suspend+resume %d ms%n", RealHost.ms(t1));

            // save to a file (the domain stops) + restore (it runs again, memory intact)
            long t2 = System.nanoTime();
            Domain live = conn.domainLookupByName(name);
            try {
                live.save(saveFile.toString());
            } finally {
                live.free();
            }
            long saved = RealHost.ms(t2);
            assertThat(hv.domain(name)).get().extracting(s -> s.state()).isEqualTo(RunState.STOPPED);
            assertThat(saveFile).exists();
            long saveBytes = Files.size(saveFile);
            long t3 = System.nanoTime();
            conn.restore(saveFile.toString());
            System.out.printf("realhost: save %d ms (%d KiB), restore %d ms%n", saved, saveBytes / 1024,
                    RealHost.ms(t3));
            assertThat(state(name)).isEqualTo(DomainState.VIR_DOMAIN_RUNNING);
            typeAndAwait(name, serialLog, "echo $((50+8))-restored", "58-restored");

            // destroy + undefine
            hv.stop(name);
            assertThat(hv.domain(name)).get().extracting(s -> s.state()).isEqualTo(RunState.STOPPED);
            hv.undefine(name);
            assertThat(hv.domain(name)).isEmpty();
        } finally {
            hv.undefine(name); // no-op when gone; destroys a guest left running by a failure
            Files.deleteIfExists(saveFile);
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

    private static final Pattern PTY = Pattern.compile("<serial type='pty'>\\s*<source path='([^']+)'");

    /** Writes a line on the guest's ttyS0 pty and waits for the expected output in the serial log. */
    private static void typeAndAwait(String name, Path serialLog, String line, String expected) throws Exception {
        Domain d = conn.domainLookupByName(name);
        String xml;
        try {
            xml = d.getXMLDesc(0);
        } finally {
            d.free();
        }
        Matcher m = PTY.matcher(xml);
        assertThat(m.find()).as("live XML names the serial pty:\n" + xml).isTrue();
        Path pty = Path.of(m.group(1));
        long t = System.nanoTime();
        // the reader drains what QEMU writes into the pty while we are connected (a full pty would stall
        // the guest's serial output); the log file gets it all the same
        try (InputStream in = new FileInputStream(pty.toFile()); OutputStream out = new FileOutputStream(pty.toFile())) {
            Thread drain = new Thread(() -> {
                byte[] buf = new byte[4096];
                try {
                    while (in.read(buf) >= 0) {
                        // discard
                    }
                } catch (IOException ignored) {
                    // closed
                }
            }, "pty-drain");
            drain.setDaemon(true);
            drain.start();
            out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            RealHost.await("'" + expected + "' on ttyS0 after typing '" + line + "'", Duration.ofSeconds(30),
                    () -> RealHost.readOrEmpty(serialLog).contains(expected));
        }
        System.out.printf("realhost: console round trip %d ms%n", RealHost.ms(t));
    }

    static String domainXml(String name, Path serialLog) {
        return "<domain type='qemu'>\n"
                + "  <name>" + RealHost.xml(name) + "</name>\n"
                + "  <memory unit='MiB'>256</memory>\n"
                + "  <vcpu>1</vcpu>\n"
                + "  <os>\n"
                + "    <type arch='x86_64' machine='pc'>hvm</type>\n"
                + "    <kernel>" + RealHost.xml(guest.resolve("vmlinux").toString()) + "</kernel>\n"
                + "    <initrd>" + RealHost.xml(guest.resolve("initrd.cpio.gz").toString()) + "</initrd>\n"
                + "    <cmdline>console=ttyS0 quiet lpj=4000000 mitigations=off nokaslr tsc=reliable no_timer_check</cmdline>\n"
                + "  </os>\n"
                + "  <features><acpi/></features>\n"
                + "  <on_poweroff>destroy</on_poweroff>\n"
                + "  <on_reboot>restart</on_reboot>\n"
                + "  <on_crash>destroy</on_crash>\n"
                + "  <devices>\n"
                + "    <serial type='pty'>\n"
                + "      <log file='" + RealHost.xml(serialLog.toString()) + "' append='off'/>\n"
                + "      <target port='0'/>\n"
                + "    </serial>\n"
                + "    <console type='pty'><target type='serial' port='0'/></console>\n"
                + "    <memballoon model='none'/>\n"
                + "  </devices>\n"
                + "</domain>\n";
    }
}
