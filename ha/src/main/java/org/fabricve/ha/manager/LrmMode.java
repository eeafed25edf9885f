package org.fabricve.ha.manager;

/** What the node's local agent is doing, as it reports with each lease renewal. */
public enum LrmMode {
    /** Normal operation. */
    ACTIVE,
    /** Rebooting with freeze: its services are stopped and frozen, they come back with it. */
    RESTART,
    /** Shutting down with failover: its services are stopped, then it releases its lease. */
    SHUTDOWN,
    /** Shutting down with the migrate policy: waits until its services are migrated away. */
    MAINTENANCE;

    public String wire() {
        return name().toLowerCase();
    }
}
