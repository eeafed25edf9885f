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

    /** The agent's mode for a graceful shutdown or reboot of its node under the configured policy. */
    public static LrmMode forShutdown(org.fabricve.ha.model.ShutdownPolicy policy, boolean reboot) {
        return switch (policy) {
            case CONDITIONAL -> reboot ? RESTART : SHUTDOWN;
            case FREEZE -> RESTART;
            case FAILOVER -> SHUTDOWN;
            case MIGRATE -> MAINTENANCE;
        };
    }
}
