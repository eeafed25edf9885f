package org.fabricve.node.libvirt.xml;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Chooses between KVM and TCG for this host.
 *
 * <p>KVM is chosen only when {@code devKvm} exists AND can be opened read-write, which is what QEMU itself does
 * before its first ioctl. Existence alone is not enough: containers and CI sandboxes often expose a
 * {@code /dev/kvm} node that the process may not open (no permission, device cgroup denies it) or that belongs
 * to a host whose CPU lacks VT-x/AMD-V passthrough (nested virtualization off). On the reference build host
 * /dev/kvm exists but KVM guests fail with emulation errors, so a false positive here would make every start
 * fail; the node therefore also lets an operator force TCG by passing a path that does not exist (for example
 * from configuration) and reports which accelerator it used.
 *
 * <p>The probe never throws: anything unexpected means TCG.
 */
public final class KvmProbe {

    private KvmProbe() {}

    /** {@link Accel#KVM} when devKvm exists and opens read-write, otherwise {@link Accel#TCG}. */
    public static Accel detect(Path devKvm) {
        if (devKvm == null) {
            return Accel.TCG;
        }
        try {
            if (!Files.exists(devKvm) || Files.isDirectory(devKvm)) {
                return Accel.TCG;
            }
            try (FileChannel ignored = FileChannel.open(devKvm, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                return Accel.KVM;
            }
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return Accel.TCG;
        }
    }
}
