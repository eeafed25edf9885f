package org.fabricve.node.libvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvmProbeTest {

    @Test
    void missingDeviceMeansTcg(@TempDir Path dir) {
        assertThat(KvmProbe.detect(dir.resolve("no-such-kvm"))).isEqualTo(Accel.TCG);
        assertThat(KvmProbe.detect(Path.of("/nonexistent/dev/kvm"))).isEqualTo(Accel.TCG);
        assertThat(KvmProbe.detect(null)).isEqualTo(Accel.TCG);
    }

    @Test
    void aDirectoryIsNotADevice(@TempDir Path dir) {
        assertThat(KvmProbe.detect(dir)).isEqualTo(Accel.TCG);
    }

    @Test
    void somethingThatOpensReadWriteCountsAsKvm(@TempDir Path dir) throws Exception {
        Path fake = Files.createFile(dir.resolve("kvm"));
        assertThat(KvmProbe.detect(fake)).isEqualTo(Accel.KVM);
    }

    @Test
    void domainTypes() {
        assertThat(Accel.KVM.domainType()).isEqualTo("kvm");
        assertThat(Accel.TCG.domainType()).isEqualTo("qemu");
    }
}
