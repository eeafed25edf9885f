/**
 * Proxmox-style guest configs ({@link org.fabricve.core.config.GuestConfig}) as libvirt domain XML for real
 * hypervisors: {@link org.fabricve.node.libvirt.xml.QemuDomainXml} (qemu:///system, type kvm or qemu) and
 * {@link org.fabricve.node.libvirt.xml.LxcDomainXml} (lxc:///). {@link org.fabricve.node.libvirt.DomainXml}
 * stays the small translation for the test driver.
 *
 * <h2>Safety</h2>
 * The config validator already rejects hostile values; these translators do not rely on it. All output goes
 * through StAX (escaping), control characters are refused, numbers and enumerations are re-checked, and every
 * path built from the config goes through {@link org.fabricve.node.libvirt.xml.HostPaths#volume}: relative name,
 * no '.'/'..'/empty components, the resolved path must normalize to the storage directory followed by exactly the
 * volume name. Failures are {@link java.lang.IllegalArgumentException}s whose message starts with
 * {@code "KEY: "}, so the API can answer 400 {@code {"errors": {KEY: ...}}} and nothing is defined.
 * Symlinks inside a storage are not resolved (the translation is pure); storages must not contain links out.
 *
 * <h2>Decisions</h2>
 * <ul>
 *   <li>Accelerator: {@link org.fabricve.node.libvirt.xml.KvmProbe} says KVM only when /dev/kvm opens
 *       read-write; {@code kvm: 0} forces TCG. Under TCG, {@code cpu: host} and {@code max} become
 *       {@code <cpu mode='maximum'>} (QEMU "max"); named models stay custom models with check='none'; the
 *       default x86-64-v2-AES (and v2/v3/v4) are qemu64 plus Proxmox's flag lists. Hyper-V enlightenments,
 *       the hypervclock timer and {@code hidden=1} are emitted only with KVM (TCG has no Hyper-V emulation).</li>
 *   <li>VLANs: libvirt supports {@code <vlan>} only on Open vSwitch ports and refuses to start a guest with a
 *       tag on a Linux bridge, which is Proxmox's default. So tag, trunks and firewall are recorded in the fabric
 *       metadata element, {@code <nic key="net0" tap="tap100i0" bridge="vmbr0" tag="10" firewall="1"/>}, and the
 *       tap device gets the Proxmox name tapVMIDiN (vethVMIDiN for containers) so the node agent can apply
 *       {@code bridge vlan add dev TAP vid TAG pvid untagged} after start (VLAN-aware bridge).</li>
 *   <li>Host files derived from the vmid only (never from config text): nvram {@code nvramDir/vm-VMID-VARS.fd},
 *       cloud-init ISO {@code <parent of nvramDir>/cloudinit/vm-VMID-cloudinit.iso}, serial logs
 *       {@code serialLogDir/vm-VMID-serialN.log}. See {@link org.fabricve.node.libvirt.xml.HostPaths}.</li>
 *   <li>ttyS0 always exists, as a pty (typable through libvirt's console stream) whose output virtlogd also
 *       writes to the serial log.</li>
 * </ul>
 */
package org.fabricve.node.libvirt.xml;
