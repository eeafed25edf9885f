package org.fabricve.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/** The Proxmox response envelope: {@code {"data": ...}} on success, status line + {@code errors} on failure. */
public final class ApiJson {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private ApiJson() {}

    public static HttpResponse ok(Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", data);
        return HttpResponse.create().withStatus(StatusCodes.OK).withEntity(json(body));
    }

    /** A list answer with Proxmox's extra {@code total} field (task logs, paged listings). */
    public static HttpResponse okWithTotal(Object data, long total) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", data);
        body.put("total", total);
        return HttpResponse.create().withStatus(StatusCodes.OK).withEntity(json(body));
    }

    public static HttpResponse error(ApiException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", null);
        if (!e.errors().isEmpty()) {
            body.put("errors", e.errors());
        }
        body.put("message", e.reason());
        String reason = e.reason().replaceAll("[\\r\\n]+", " ");
        return HttpResponse.create()
                .withStatus(StatusCodes.custom(e.status(), reason, reason, false, true))
                .withEntity(json(body));
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unserializable response: " + e.getMessage(), e);
        }
    }

    private static org.apache.pekko.http.javadsl.model.ResponseEntity json(Object body) {
        return HttpEntities.create(ContentTypes.APPLICATION_JSON, write(body));
    }
}
