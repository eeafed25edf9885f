package org.fabricve.core.guest;

import org.fabricve.core.FabricSerializable;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.hypervisor.RunState;

/**
 * A guest the fabric manages: its identity, its home node, its config and the run state it believes in.
 * {@code runningConfig} is what its running domain was started with plus what was hotplugged since (null when it
 * does not run, or when it was started before the fabric recorded it): the config's differences from it are
 * Proxmox's pending changes, applied at the next start.
 */
public record Guest(int vmid, GuestType type, String node, GuestConfig config, RunState runState,
                    GuestConfig runningConfig) implements FabricSerializable {

    public Guest(int vmid, GuestType type, String node, GuestConfig config, RunState runState) {
        this(vmid, type, node, config, runState, null);
    }

    public Guest withConfig(GuestConfig newConfig) {
        return new Guest(vmid, type, node, newConfig, runState, runningConfig);
    }

    public Guest withRunState(RunState newState) {
        return new Guest(vmid, type, node, config, newState, runningConfig);
    }

    public Guest withRunningConfig(GuestConfig running) {
        return new Guest(vmid, type, node, config, runState, running);
    }

    /**
     * The config its domain runs with (or, hibernated, will resume with): the recorded one, else (not recorded,
     * or stopped) the config.
     */
    public GuestConfig liveConfig() {
        return runningConfig != null && keepsADomain(runState) ? runningConfig : config;
    }

    /** A running, paused or hibernated guest has a domain made earlier; a stopped one gets the config at start. */
    public static boolean keepsADomain(RunState state) {
        return state.active() || state == RunState.HIBERNATED;
    }

    /** "VM 100" or "CT 100", as Proxmox words its messages. */
    public static String label(GuestType type, int vmid) {
        return (type == GuestType.QEMU ? "VM " : "CT ") + vmid;
    }

    public String label() {
        return label(type, vmid);
    }

    /** The hypervisor's name for this guest's domain. Distinct from anything a person would define by hand. */
    public static String domainName(int vmid) {
        return DOMAIN_PREFIX + vmid;
    }

    /** The vmid a domain name stands for, when the fabric named it. */
    public static java.util.Optional<Integer> vmidOfDomain(String name) {
        if (!name.startsWith(DOMAIN_PREFIX) || !name.substring(DOMAIN_PREFIX.length()).matches("[1-9][0-9]{2,8}")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Integer.parseInt(name.substring(DOMAIN_PREFIX.length())));
    }

    private static final String DOMAIN_PREFIX = "fabric-";
}
