package org.fabricve.ha.model;

/** What a graceful node shutdown or reboot does with the node's HA services (datacenter.cfg ha: shutdown_policy). */
public enum ShutdownPolicy {
    /** Shutdown: fail over; reboot: freeze. Proxmox's default. */
    CONDITIONAL,
    /** Stop and freeze the services on the node; they come back with the node. */
    FREEZE,
    /** Stop the services and recover them on other nodes at once (the node releases its lease). */
    FAILOVER,
    /** Put the node in maintenance: migrate the services away first, bring them back after. */
    MIGRATE;

    public String wire() {
        return name().toLowerCase();
    }

    public static ShutdownPolicy parse(String text) {
        for (ShutdownPolicy p : values()) if (p.wire().equals(text)) return p;
        throw new IllegalArgumentException("shutdown_policy '" + text + "': expected conditional, freeze, failover or migrate");
    }
}
