package org.fabricve.app;

import java.nio.file.Path;
import java.util.Optional;
import org.fabricve.core.hypervisor.HypervisorException;
import org.fabricve.node.libvirt.LibvirtHypervisor;
import org.fabricve.node.libvirt.QemuAndLxcHypervisor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LXC driver of the libvirtd a real host's VMs run on: a Proxmox node runs VMs and containers side by
 * side, and libvirt serves them as two drivers ({@code qemu:///system}, {@code lxc:///}) of one daemon.
 * {@code FABRIC_LXC_URI} names another one, or {@code none} for a host without containers.
 */
final class ContainerDriver {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerDriver.class);

    private ContainerDriver() {}

    static QemuAndLxcHypervisor alongside(LibvirtHypervisor vms, String vmUri, Path stateDir) {
        String configured = System.getenv("FABRIC_LXC_URI");
        Optional<String> uri = configured != null && !configured.isBlank()
                ? Optional.of(configured.strip()).filter(u -> !u.equals("none"))
                : lxcUriFor(vmUri);
        if (uri.isEmpty()) {
            return new QemuAndLxcHypervisor(vms, null, configured != null
                    ? "FABRIC_LXC_URI=none" : "no LXC driver is known alongside " + vmUri + "; set FABRIC_LXC_URI");
        }
        try {
            LibvirtHypervisor containers = LibvirtHypervisor.connect(uri.get(), stateDir);
            LOG.info("containers run on {} next to the VMs on {}", uri.get(), vmUri);
            return new QemuAndLxcHypervisor(vms, containers, null);
        } catch (HypervisorException e) {
            LOG.warn("this node will run no containers: {}", e.getMessage());
            return new QemuAndLxcHypervisor(vms, null, e.getMessage());
        }
    }

    /**
     * The LXC URI of the daemon behind a QEMU URI: {@code qemu:///system} -> {@code lxc:///},
     * {@code qemu+ssh://h/system} -> {@code lxc+ssh://h/}; none for a session daemon (LXC needs root).
     */
    static Optional<String> lxcUriFor(String qemuUri) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("qemu(\\+[a-z]+)?://([^/?]*)/system(\\?.*)?")
                .matcher(qemuUri);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of("lxc" + (m.group(1) == null ? "" : m.group(1)) + "://" + m.group(2) + "/"
                + (m.group(3) == null ? "" : m.group(3)));
    }
}
