package org.fabricve.core.guest;

import org.fabricve.core.FabricSerializable;

/**
 * How a shutdown waits (Proxmox's {@code timeout} and {@code forceStop}): the guest is asked to power off (ACPI), the
 * task waits up to {@code timeoutSeconds} for it to stop, and then either stops it hard ({@code forceStop}) or fails
 * with Proxmox's "VM quit/powerdown failed - got timeout", leaving the guest running.
 */
public record ShutdownOptions(int timeoutSeconds, boolean forceStop) implements FabricSerializable {

    /** Proxmox's default: wait 60 s, then fail. */
    public static final ShutdownOptions DEFAULT = new ShutdownOptions(60, false);
    /** The longest wait accepted (a day): a longer one is a mistake, not a plan. */
    public static final int MAX_TIMEOUT_SECONDS = 86_400;

    public ShutdownOptions {
        if (timeoutSeconds < 0 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("timeout must be 0.." + MAX_TIMEOUT_SECONDS + " seconds: " + timeoutSeconds);
        }
    }

    /** What a shutdown task does after a look at the guest. */
    public enum Next { DONE, WAIT, FORCE_STOP, GIVE_UP }

    /** After a look at {@code elapsedMillis} into the wait: the guest still runs or not. */
    public Next next(boolean stillRunning, long elapsedMillis) {
        if (!stillRunning) return Next.DONE;
        if (elapsedMillis < timeoutSeconds * 1000L) return Next.WAIT;
        return forceStop ? Next.FORCE_STOP : Next.GIVE_UP;
    }
}
