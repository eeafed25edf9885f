package org.fabricve.core.config;

import java.util.random.RandomGenerator;

/** Parses one config value and returns its normalized form, or throws {@link BadValue}. */
@FunctionalInterface
interface Rule {

    String apply(String key, String value, Context ctx);

    /** What a rule may consult besides the value itself: the node, the guest id, and randomness for MACs. */
    record Context(GuestType type, int vmid, NodeLimits limits, RandomGenerator random, boolean create) {}
}
