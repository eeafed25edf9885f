package org.fabricve.ha.manager;

import org.fabricve.ha.model.Sid;

/** A node's outcome of one order, reported with every renewal until the order is superseded. */
public record CommandResult(Sid sid, long uid, Outcome outcome) {
    public enum Outcome {
        SUCCESS,
        /** The guest would not start (or stop, or migrate) on this node. */
        FAILED,
        /** The guest is not this node's: it lives elsewhere. */
        WRONG_NODE
    }
}
