package org.fabricve.ha.sim;

import java.util.HashSet;
import java.util.Set;
import org.fabricve.ha.agent.AgentState;
import org.fabricve.ha.model.Sid;

/**
 * A simulated node: power, network, a clock that drifts, a hypervisor (the guests running here) and the
 * production local agent. Its generation counter survives power cycles, like a counter kept on disk.
 */
final class SimNode {
    final String name;
    final double drift;
    boolean powered;
    boolean network = true;
    long generations;
    AgentState agent;
    final Set<Sid> running = new HashSet<>();
    long lastRenewal = Long.MIN_VALUE;
    boolean rebootAfterLeave;
    long powerOnAt = -1;

    SimNode(String name, double drift) {
        this.name = name;
        this.drift = drift;
    }

    /** The node's own clock for global time {@code t}: runs fast or slow by {@code drift}. */
    long clock(long t) {
        return (long) Math.floor(t * (1.0 + drift));
    }

    void powerOn() {
        powered = true;
        generations++;
        agent = AgentState.boot(name, generations);
        running.clear();
        lastRenewal = Long.MIN_VALUE;
        rebootAfterLeave = false;
        powerOnAt = -1;
    }

    void powerOff() {
        if (agent != null) generations = Math.max(generations, agent.generation()); // kept on disk
        powered = false;
        running.clear();
        agent = null;
    }
}
