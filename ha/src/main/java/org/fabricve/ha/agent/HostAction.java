package org.fabricve.ha.agent;

import org.fabricve.ha.model.Sid;

/** What the local agent asks its host to do; the shell runs it and reports the outcome back by uid. */
public sealed interface HostAction {

    /** Start the guest here (define it from the cluster config first if needed). */
    record StartGuest(Sid sid, long uid) implements HostAction {
    }

    /** Stop the guest; uid 0 is a local stop (shutdown, freeze) that nobody waits for. */
    record StopGuest(Sid sid, long uid) implements HostAction {
    }

    /** Self-fence: kill the guest at once, no clean shutdown. */
    record KillGuest(Sid sid) implements HostAction {
    }

    /** Live-migrate the running guest to {@code target}; the guest's home moves when it completes. */
    record MigrateGuest(Sid sid, long uid, String target) implements HostAction {
    }

    /** Stop the guest and move its home to {@code target}, which will start it. */
    record RelocateGuest(Sid sid, long uid, String target) implements HostAction {
    }

    /** The node may now go down (shutdown or reboot); {@code release}: tell the manager its lease is given up. */
    record Leave(boolean release) implements HostAction {
    }
}
