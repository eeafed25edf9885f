package org.fabricve.ha.manager;

/** A requested move of a service, waiting for the service's next turn in the state machine. */
public record Motion(Kind kind, String target) {
    public enum Kind {
        MIGRATE, RELOCATE;

        public String wire() {
            return name().toLowerCase();
        }
    }
}
