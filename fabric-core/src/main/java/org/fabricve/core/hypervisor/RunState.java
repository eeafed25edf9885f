package org.fabricve.core.hypervisor;

/** A domain's run state, reduced to what the fabric acts on. */
public enum RunState {
    RUNNING,
    PAUSED,
    STOPPED,
    /** Stopped with its memory saved to disk: the next start resumes it (Proxmox's suspend to disk). */
    HIBERNATED;

    /** Whether the guest consumes host CPU and memory. */
    public boolean active() {
        return this == RUNNING || this == PAUSED;
    }
}
