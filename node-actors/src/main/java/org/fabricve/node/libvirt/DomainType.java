package org.fabricve.node.libvirt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The libvirt domain type ({@code <domain type='...'>}), which follows the connection's driver. */
public enum DomainType {
    TEST("test"),
    KVM("kvm"),
    QEMU("qemu"),
    LXC("lxc");

    private final String xmlName;

    DomainType(String xmlName) {
        this.xmlName = xmlName;
    }

    /** The value of the {@code type} attribute of {@code <domain>}. */
    public String xmlName() {
        return xmlName;
    }

    /**
     * The domain type for a connection: {@code test} for test:///..., {@code lxc} for lxc:///..., and for
     * qemu:///... {@code kvm} when /dev/kvm is usable (readable and writable) and the driver offers kvm,
     * else {@code qemu} (TCG).
     *
     * @param driverType what {@code virConnectGetType} answers (TEST, QEMU, LXC, ...)
     * @param kvmOffered whether the driver's capabilities list a {@code <domain type='kvm'/>}
     */
    public static DomainType forDriver(String driverType, boolean kvmOffered) {
        String t = driverType == null ? "" : driverType.toUpperCase(Locale.ROOT);
        switch (t) {
            case "TEST":
                return TEST;
            case "LXC":
                return LXC;
            case "QEMU":
                Path kvm = Path.of("/dev/kvm");
                return kvmOffered && Files.isReadable(kvm) && Files.isWritable(kvm) ? KVM : QEMU;
            default:
                throw new IllegalArgumentException("unsupported libvirt driver: " + driverType);
        }
    }
}
