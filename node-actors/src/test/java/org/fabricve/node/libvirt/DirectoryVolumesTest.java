package org.fabricve.node.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.fabricve.core.hypervisor.HypervisorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryVolumesTest {

    @TempDir
    Path tmp;

    @Test
    void aVolumeIsAPlainNameInsideItsPool() throws IOException {
        Path pool = Files.createDirectories(tmp.resolve("pool"));
        assertThat(DirectoryVolumes.create(pool, "vm-101-disk-0")).isDirectory().hasParent(pool);
        for (String bad : new String[] {"..", "../x", "a/b", "", "."}) {
            assertThatThrownBy(() -> DirectoryVolumes.create(pool, bad)).isInstanceOf(HypervisorException.class)
                    .hasMessageContaining("plain name");
        }
        assertThatThrownBy(() -> DirectoryVolumes.create(pool, "vm-101-disk-0"))
                .as("a taken name").isInstanceOf(HypervisorException.class);
    }

    @Test
    void deletingAVolumeNeverFollowsASymlinkOutOfIt() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "precious");
        Path volume = DirectoryVolumes.create(Files.createDirectories(tmp.resolve("pool")), "vm-7-disk-0");
        Files.createDirectories(volume.resolve("etc/deep"));
        Files.writeString(volume.resolve("etc/deep/file"), "x");
        Files.createSymbolicLink(volume.resolve("etc/link-to-outside"), outside);
        Files.createSymbolicLink(volume.resolve("dangling"), tmp.resolve("nowhere"));

        DirectoryVolumes.delete(volume);

        assertThat(volume).doesNotExist();
        assertThat(outside.resolve("keep.txt")).hasContent("precious");
        DirectoryVolumes.delete(volume); // absent: nothing to do
    }

    @Test
    void unpackingKeepsTheTemplatesFilesAndModes() throws Exception {
        Path staging = Files.createDirectories(tmp.resolve("staging/sbin"));
        Files.writeString(staging.resolve("init"), "#!/bin/sh\n");
        staging.resolve("init").toFile().setExecutable(true);
        Path template = tmp.resolve("t.tar.gz");
        tar("-czf", template.toString(), "-C", tmp.resolve("staging").toString(), "sbin");
        Path volume = DirectoryVolumes.create(Files.createDirectories(tmp.resolve("pool")), "vm-1-disk-0");

        DirectoryVolumes.unpack(template, volume);

        assertThat(volume.resolve("sbin/init")).isExecutable().hasContent("#!/bin/sh");
    }

    @Test
    void anArchiveCannotWriteOutsideTheVolume() throws Exception {
        Path pool = Files.createDirectories(tmp.resolve("pool"));
        Path victim = Files.createDirectories(tmp.resolve("victim"));
        // member "../escaped.txt" (tar -P keeps the name as given)
        Path inner = Files.createDirectories(tmp.resolve("a/b"));
        Files.writeString(tmp.resolve("a/escaped.txt"), "out");
        Path evil = tmp.resolve("evil.tar");
        tar("-cPf", evil.toString(), "-C", inner.toString(), "../escaped.txt");
        // then a symlink to the victim directory, and a file written "through" it
        Path s1 = Files.createDirectories(tmp.resolve("s1"));
        Files.createSymbolicLink(s1.resolve("link"), victim);
        tar("-rf", evil.toString(), "-C", s1.toString(), "link");
        Path s2 = Files.createDirectories(tmp.resolve("s2/link"));
        Files.writeString(s2.resolve("owned.txt"), "through the link");
        tar("-rf", evil.toString(), "-C", tmp.resolve("s2").toString(), "link/owned.txt");
        Path volume = DirectoryVolumes.create(pool, "vm-2-disk-0");

        assertThatThrownBy(() -> DirectoryVolumes.unpack(evil, volume)).isInstanceOf(HypervisorException.class)
                .hasMessageStartingWith("ostemplate: cannot unpack evil.tar");

        assertThat(pool.resolve("escaped.txt")).doesNotExist();
        assertThat(victim).isEmptyDirectory();
    }

    @Test
    void aMissingTemplateNamesOstemplate() throws IOException {
        Path volume = DirectoryVolumes.create(Files.createDirectories(tmp.resolve("pool")), "vm-3-disk-0");
        assertThatThrownBy(() -> DirectoryVolumes.unpack(tmp.resolve("none.tar.gz"), volume))
                .hasMessageStartingWith("ostemplate: no template file");
    }

    private static void tar(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "tar";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
