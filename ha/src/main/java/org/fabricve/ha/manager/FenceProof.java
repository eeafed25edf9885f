package org.fabricve.ha.manager;

/** Why the manager knows a node generation runs no guests any more. */
public enum FenceProof {
    /** The fence bound passed on the manager's clock since the last accepted renewal. */
    LEASE_EXPIRED,
    /** The node renewed with a newer generation: it fenced itself or restarted in between. */
    NEW_GENERATION,
    /** The node stopped its guests and released its lease (clean shutdown). */
    RELEASED,
    /** An external fence device or an operator confirmed the node is off. */
    EXTERNAL;

    public String wire() {
        return name().toLowerCase();
    }
}
