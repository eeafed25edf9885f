package org.fabricve.core.hypervisor;

/** A domain's run state, reduced to what the fabric acts on. */
public enum RunState {
    RUNNING,
    PAUSED,
    STOPPED;
}
