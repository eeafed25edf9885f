package org.fabricve.ha.manager;

/** The manager's state of one HA service (Proxmox's CRM service states). */
public enum ServiceState {
    /** Stopped and to stay so; the node keeps it stopped. */
    STOPPED,
    /** The node is asked to stop it; the result moves it to {@link #STOPPED}. */
    REQUEST_STOP,
    /** Should run on its node; {@code running} tells whether the node confirmed it. */
    STARTED,
    /** Online migration of a running VM to {@code target}. */
    MIGRATE,
    /** Stop, move, start on {@code target} (containers, stopped guests, start-failure relocation). */
    RELOCATE,
    /** Its node is lost; waiting until the node is provably fenced. */
    FENCE,
    /** Its node is fenced; waiting for a node to recover it on. */
    RECOVERY,
    /** Its node is rebooting with the freeze policy; left alone until the node is back. */
    FREEZE,
    /** Start failed beyond the restart and relocate policy; needs an operator (set disabled to clear). */
    ERROR;

    public String wire() {
        return name().toLowerCase();
    }
}
