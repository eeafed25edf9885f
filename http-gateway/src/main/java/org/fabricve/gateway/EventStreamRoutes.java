package org.fabricve.gateway;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.Route;
import org.fabricve.persistence.JournalTail;
import org.fabricve.persistence.JournalEvent;

/**
 * {@code GET /cluster/events}: every event of the fabric as Server-Sent Events, from the member's one
 * journal tail (recent events in memory, older ones from the journal).
 * The SSE id is the event's journal position, so {@code Last-Event-ID} (or {@code ?last_event_id=})
 * resumes exactly after the last event the subscriber saw: none lost, none repeated. Without either, the
 * stream starts at the head (new events only); {@code last_event_id=0} replays the whole history. The first
 * message is always a {@code fabric.hello} event without an id, saying where the stream starts and where the
 * head is, so a client knows it is subscribed before it acts.
 */
final class EventStreamRoutes extends RouteSupport {

    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final JournalTail tail;

    EventStreamRoutes(JournalTail tail) {
        this.tail = tail;
    }

    Route routes() {
        return path(org.apache.pekko.http.javadsl.server.PathMatchers.segment("cluster")
                .slash("events"), () -> get(() -> optionalHeaderValueByName("Last-Event-ID", header ->
                parameterOptional("last_event_id", query -> {
                    long head = tail.head();
                    long after = resumePoint(header.or(() -> query)).orElse(head);
                    ServerSentEvent hello = ServerSentEvent.create(ApiJson.write(Map.of("after", after, "head", head)),
                            "fabric.hello");
                    var source = tail.since(after)
                            .map(EventStreamRoutes::toSse)
                            .prepend(org.apache.pekko.stream.javadsl.Source.single(hello))
                            .keepAlive(KEEP_ALIVE, ServerSentEvent::heartbeat);
                    return completeOK(source, EventStreamMarshalling.toEventStream());
                }))));
    }

    private static Optional<Long> resumePoint(Optional<String> lastEventId) {
        if (lastEventId.isEmpty() || lastEventId.get().isBlank()) {
            return Optional.empty();
        }
        try {
            long id = Long.parseLong(lastEventId.get().trim());
            if (id < 0) {
                throw new NumberFormatException();
            }
            return Optional.of(id);
        } catch (NumberFormatException e) {
            throw ApiException.badParameter("last_event_id", "must be a non-negative event id, got '"
                    + lastEventId.get() + "'");
        }
    }

    static ServerSentEvent toSse(JournalEvent e) {
        String kind = e.persistenceId().contains("|")
                ? e.persistenceId().substring(0, e.persistenceId().indexOf('|')).toLowerCase(java.util.Locale.ROOT)
                : "fabric";
        String type = kind + "." + e.event().getClass().getSimpleName();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", e.id());
        data.put("type", type);
        data.put("entity", e.persistenceId());
        data.put("seq", e.sequenceNr());
        data.put("timestamp", e.timestamp());
        data.put("event", e.event());
        return ServerSentEvent.create(ApiJson.write(data), type, Long.toString(e.id()));
    }
}
