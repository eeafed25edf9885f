package org.fabricve.ha.manager;

/**
 * The time constants of the HA protocol, all in milliseconds of a node's own clock.
 *
 * <p>Safety rests on one inequality. A node renews its lease by a round trip to the manager; when the
 * manager accepts a renewal sent at node time {@code t}, the node may run HA guests until {@code t + lease}
 * on its own clock and kills them when that passes (its self-fence, the watchdog's job in Proxmox),
 * which takes at most {@code guestStop}. The manager records when it accepted the renewal on its own
 * clock, which is no earlier in real time than the send. Clocks may run fast or slow by at most
 * {@code maxDrift} (a fraction, 0.01 = 1%) when measuring durations; they need not agree on the time.
 * The node's guests are therefore gone at most {@code lease/(1-drift) + guestStop} real time after the
 * accepted send, and the manager's clock shows at most {@code (1+drift)} times that. So the manager may
 * treat the node as fenced once {@link #fenceBoundMillis()} has passed on its own clock since it last
 * accepted a renewal from it.
 */
public record HaTimings(long roundMillis, long renewMillis, long leaseMillis, long guestStopMillis,
                        double maxDrift, long onlineTimeoutMillis) {

    /** Production defaults: 0.5 s rounds and renewals, a 5 s lease, 1% drift; the fence is proven after 6.1 s. */
    public static final HaTimings DEFAULT = new HaTimings(500, 500, 5_000, 1_000, 0.01, 2_500);

    public HaTimings {
        if (roundMillis <= 0 || renewMillis <= 0 || leaseMillis <= 0 || guestStopMillis < 0 || onlineTimeoutMillis <= 0) {
            throw new IllegalArgumentException("HA timings must be positive");
        }
        if (maxDrift < 0 || maxDrift >= 0.5) throw new IllegalArgumentException("maxDrift must be in [0, 0.5)");
        if (renewMillis * 2 > leaseMillis) {
            throw new IllegalArgumentException("the lease must cover at least two renewals (lease " + leaseMillis + " ms, renew " + renewMillis + " ms)");
        }
    }

    /** How long after the last accepted renewal the manager must wait before it may recover a node's guests. */
    public long fenceBoundMillis() {
        double realWorst = leaseMillis / (1.0 - maxDrift) + guestStopMillis;
        return (long) Math.ceil(realWorst * (1.0 + maxDrift));
    }
}
