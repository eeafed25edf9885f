package org.fabricve.ha.manager;

import org.fabricve.ha.model.Sid;

/**
 * An order for a node's local agent: bring {@code sid} into the state the action says. Orders are
 * idempotent and re-sent every round until superseded; the agent runs each uid once and repeats its
 * result. {@code generation} is the node generation the manager accepted: an agent of another
 * generation (it fenced itself since) ignores the order.
 */
public record NodeCommand(String node, long generation, Sid sid, long uid, Action action, String target) {
    public enum Action {
        START, STOP, MIGRATE, RELOCATE
    }
}
