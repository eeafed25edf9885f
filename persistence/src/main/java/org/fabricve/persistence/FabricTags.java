package org.fabricve.persistence;

/**
 * Every event of every entity carries one tag, so the journal's global ordering is the fabric's event
 * history: the event stream and the read model are both a tail of it.
 */
public final class FabricTags {
    public static final String ALL = "fabric";

    private FabricTags() {}
}
