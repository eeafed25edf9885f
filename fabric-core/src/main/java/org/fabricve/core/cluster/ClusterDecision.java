package org.fabricve.core.cluster;

import java.util.List;
import org.fabricve.core.guest.Rejection;

/** The outcome of a command on the node list: events to persist (possibly none), or a reason to refuse. */
public sealed interface ClusterDecision {

    record Accept(List<ClusterNodeEvent> events) implements ClusterDecision {
        public Accept {
            events = List.copyOf(events);
        }
    }

    record Reject(Rejection rejection) implements ClusterDecision {}

    static ClusterDecision accept(List<ClusterNodeEvent> events) {
        return new Accept(events);
    }

    static ClusterDecision reject(Rejection rejection) {
        return new Reject(rejection);
    }
}
