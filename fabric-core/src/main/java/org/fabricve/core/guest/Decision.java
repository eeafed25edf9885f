package org.fabricve.core.guest;

import java.util.List;

/** The outcome of deciding a command: events to persist, or a rejection that changes nothing. */
public sealed interface Decision {

    record Accept(List<GuestEvent> events) implements Decision {
        public Accept {
            events = List.copyOf(events);
        }
    }

    record Reject(Rejection rejection) implements Decision {}

    static Decision accept(GuestEvent... events) {
        return new Accept(List.of(events));
    }

    static Decision reject(Rejection rejection) {
        return new Reject(rejection);
    }
}
