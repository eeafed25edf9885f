package org.fabricve.node.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.fabricve.core.hypervisor.HypervisorException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerRootfsTest {

    @TempDir
    Path tmp;

    @Test
    void theHostnameReplacesASymlinkInsteadOfWritingThroughIt() throws Exception {
        Path outside = Files.writeString(tmp.resolve("host-file"), "precious");
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs/etc")).getParent();
        Files.createSymbolicLink(rootfs.resolve("etc/hostname"), outside);

        ContainerRootfs.writeHostname(rootfs, "ct1");

        assertThat(rootfs.resolve("etc/hostname")).isRegularFile().hasContent("ct1");
        assertThat(outside).hasContent("precious");
    }

    @Test
    void aSymlinkedEtcIsRefused() throws Exception {
        Path hostEtc = Files.createDirectories(tmp.resolve("host-etc"));
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        Files.createSymbolicLink(rootfs.resolve("etc"), hostEtc);
        assertThatThrownBy(() -> ContainerRootfs.writeHostname(rootfs, "ct1")).isInstanceOf(HypervisorException.class)
                .hasMessageStartingWith("hostname:");
        assertThat(hostEtc).isEmptyDirectory();
    }

    @Test
    void ownersMoveIntoTheIdMapOnceEvenWithHardLinksAndSymlinksStayLinks() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "chown needs root");
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs/bin"));
        rootfs = rootfs.getParent();
        Path tool = Files.writeString(rootfs.resolve("bin/tool"), "x");
        Files.setAttribute(tool, "unix:gid", 5);
        Files.setAttribute(tool, "unix:mode", 04755); // after the chown, which clears it
        Files.createLink(rootfs.resolve("bin/tool-again"), tool);
        Path outside = Files.writeString(tmp.resolve("outside"), "host");
        Files.createSymbolicLink(rootfs.resolve("bin/out"), outside);

        ContainerRootfs.shiftOwners(rootfs);

        assertThat(uid(rootfs)).isEqualTo(100_000);
        assertThat(uid(tool)).isEqualTo(100_000);
        assertThat((Integer) Files.getAttribute(tool, "unix:gid")).isEqualTo(100_005);
        assertThat((Integer) Files.getAttribute(tool, "unix:mode") & 07777).as("setuid kept").isEqualTo(04755);
        assertThat(uid(rootfs.resolve("bin/out"))).isEqualTo(100_000);
        assertThat(uid(outside)).as("the symlink's target is not touched").isZero();
    }

    @Test
    void anOwnerOutsideTheMapIsRefused() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "chown needs root");
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        Path f = Files.writeString(rootfs.resolve("f"), "x");
        Files.setAttribute(f, "unix:uid", 70_000);
        assertThatThrownBy(() -> ContainerRootfs.shiftOwners(rootfs)).hasMessageContaining("outside the container's id map");
    }

    private static int uid(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }
}
