package org.fabricve.core.guest;

import org.fabricve.core.FabricSerializable;

/** Why a command was refused; the HTTP layer maps the kind onto a status code. */
public record Rejection(Kind kind, String param, String message) implements FabricSerializable {

    public enum Kind {
        /** the guest does not exist (404) */
        NOT_FOUND,
        /** the request contradicts the guest's state: exists, running, busy (409) */
        CONFLICT,
        /** a parameter is wrong (400, named by param) */
        INVALID_PARAMETER,
        /** the guest's entity cannot decide now: its member lost quorum (503) */
        UNAVAILABLE
    }

    public static Rejection notFound(String message) {
        return new Rejection(Kind.NOT_FOUND, null, message);
    }

    public static Rejection conflict(String message) {
        return new Rejection(Kind.CONFLICT, null, message);
    }

    public static Rejection unavailable(String message) {
        return new Rejection(Kind.UNAVAILABLE, null, message);
    }

    public static Rejection invalid(String param, String message) {
        return new Rejection(Kind.INVALID_PARAMETER, param, message);
    }
}
