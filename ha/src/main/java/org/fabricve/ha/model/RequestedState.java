package org.fabricve.ha.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The state an operator asks for, Proxmox's {@code state} property of an HA resource. */
public enum RequestedState {
    STARTED, STOPPED, DISABLED, IGNORED;

    public String wire() {
        return name().toLowerCase();
    }

    public static RequestedState parse(String text) {
        for (RequestedState s : values()) {
            if (s.wire().equals(text)) return s;
        }
        throw new IllegalArgumentException("state '" + text + "': expected one of "
                + Arrays.stream(values()).map(RequestedState::wire).collect(Collectors.joining(", ")));
    }
}
