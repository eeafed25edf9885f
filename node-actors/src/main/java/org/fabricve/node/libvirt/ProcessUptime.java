package org.fabricve.node.libvirt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * How long a guest's process has run, Proxmox's {@code uptime}: libvirt-java 0.5.4 exposes no domain start
 * time, so it is read from the host (libvirt's pid file of the domain: the QEMU process, or a container's
 * libvirt_lxc controller, started with it) and /proc. Only for a libvirtd on this host.
 */
final class ProcessUptime {

    /** USER_HZ: the unit of /proc/PID/stat's start time; 100 on every Linux architecture Fabric runs on. */
    static final long CLOCK_TICKS_PER_SECOND = 100;

    private ProcessUptime() {}

    /** Seconds since the process of {@code pidFile} started; empty when any part of that cannot be read. */
    static OptionalLong of(Path pidFile) {
        try {
            String pid = Files.readString(pidFile).strip();
            if (!pid.matches("[0-9]{1,10}")) {
                return OptionalLong.empty();
            }
            return seconds(Files.readString(Path.of("/proc", pid, "stat")), Files.readString(Path.of("/proc/uptime")));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty(); // no pid file (stopped, remote daemon) or the process just went
        }
    }

    /**
     * From a /proc/PID/stat line and /proc/uptime: the host's uptime minus the process's start time (field 22,
     * counted after the command name, which may itself hold spaces and parentheses).
     */
    static OptionalLong seconds(String stat, String hostUptime) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return OptionalLong.empty();
        }
        String[] fields = stat.substring(close + 1).trim().split("\\s+");
        if (fields.length < 20) {
            return OptionalLong.empty();
        }
        long startTicks = Long.parseLong(fields[19]);
        double up = Double.parseDouble(hostUptime.trim().split("\\s+")[0]);
        return OptionalLong.of(Math.max(0, (long) up - startTicks / CLOCK_TICKS_PER_SECOND));
    }
}
