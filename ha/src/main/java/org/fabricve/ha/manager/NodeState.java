package org.fabricve.ha.manager;

/** The manager's view of a node (Proxmox's node states, without 'gone'). */
public enum NodeState {
    /** Holds a valid lease and takes work. */
    ONLINE,
    /** Holds a lease (or released it cleanly) but takes no HA services: they are drained. */
    MAINTENANCE,
    /** Not heard from recently, or cleanly gone; nothing of it needs fencing. */
    UNKNOWN,
    /** Lost with services on it; waiting until its lease has provably run out. */
    FENCE;

    public String wire() {
        return name().toLowerCase();
    }
}
