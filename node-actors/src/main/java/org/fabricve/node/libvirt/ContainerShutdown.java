package org.fabricve.node.libvirt;

import java.time.Duration;

/**
 * Asks a container to shut down by sending SIGTERM to its init, libvirt's {@code --mode signal}.
 *
 * <p>libvirt's default for LXC tries {@code /dev/initctl} first and, in libvirt 9.0, reports success even when
 * the container has no initctl at all, so a busybox or sysvinit-less container never hears of it; the signal
 * mode is what works for every init that ends on SIGTERM. libvirt-java 0.5.4 has no
 * {@code virDomainShutdownFlags}, hence virsh with the node's own connection URI. A systemd init re-executes
 * itself on SIGTERM instead of powering off: such a container's shutdown times out and needs forceStop.
 */
final class ContainerShutdown {

    private ContainerShutdown() {}

    static void signalInit(String uri, String domain) {
        HostCommand.run(Duration.ofSeconds(30), "cannot shut down domain " + domain,
                "virsh", "-q", "-c", uri, "shutdown", domain, "--mode", "signal");
    }
}
