package org.fabricve.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Proxmox's {@code cpu} of a guest: the share of its vCPUs it used, from 0 to 1. libvirt gives only the CPU time used
 * since the domain started, so the share is taken over the time since this gateway last read the same guest; the
 * first read of a guest (or the first after it restarted) says 0.
 */
final class CpuUsage {

    /** CPU time used (ns) as read at a moment (ns, monotonic). */
    record Sample(long cpuTimeNanos, long atNanos) {}

    private final Map<Integer, Sample> last = new ConcurrentHashMap<>();

    double read(int vmid, long cpuTimeNanos, long atNanos, int vcpus) {
        Sample now = new Sample(cpuTimeNanos, atNanos);
        Sample before = last.put(vmid, now);
        return before == null ? 0 : between(before, now, vcpus);
    }

    void forget(int vmid) {
        last.remove(vmid);
    }

    static double between(Sample before, Sample now, int vcpus) {
        long wall = now.atNanos() - before.atNanos();
        long used = now.cpuTimeNanos() - before.cpuTimeNanos();
        if (wall <= 0 || used < 0 || vcpus <= 0) return 0; // no time passed, or the domain restarted in between
        return Math.min(1.0, (double) used / wall / vcpus);
    }
}
