package org.fabricve.node.libvirt.xml;

/** How QEMU runs guest code: hardware virtualization or the portable emulator. */
public enum Accel {
    /** {@code <domain type='kvm'>}: needs a working /dev/kvm, see {@link KvmProbe}. */
    KVM("kvm"),
    /** {@code <domain type='qemu'>}: TCG, pure emulation; works everywhere, about 5-20x slower. */
    TCG("qemu");

    private final String domainType;

    Accel(String domainType) {
        this.domainType = domainType;
    }

    /** The value of the domain element's type attribute. */
    public String domainType() {
        return domainType;
    }
}
