package org.fabricve.ha.model;

/** Cluster resource scheduling mode used to place recovered and moved services. */
public enum CrsMode {
    /** Fewest active HA services wins. */
    BASIC,
    /** Lowest committed share of the node's configured cores and memory wins, memory weighted more. */
    STATIC;

    public String wire() {
        return name().toLowerCase();
    }

    public static CrsMode parse(String text) {
        for (CrsMode m : values()) if (m.wire().equals(text)) return m;
        throw new IllegalArgumentException("crs '" + text + "': expected basic or static");
    }
}
