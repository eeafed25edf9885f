package org.fabricve.gateway;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An answer that is not 200: the status, the reason phrase Proxmox puts in the status line, and the
 * per-parameter errors for {@code {"errors": {...}}}. Thrown anywhere in a route, turned into a response
 * by the gateway's exception handler, so no stack trace ever reaches a client.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final SortedMap<String, String> errors;

    public ApiException(int status, String reason, Map<String, String> errors) {
        super(reason, null, false, false);
        this.status = status;
        this.errors = new TreeMap<>(errors);
    }

    public static ApiException badParameters(Map<String, String> errors) {
        return new ApiException(400, "Parameter verification failed.", errors);
    }

    public static ApiException badParameter(String param, String message) {
        return badParameters(Map.of(param, message));
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message, Map.of());
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, message, Map.of());
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, message, Map.of());
    }

    public int status() {
        return status;
    }

    public String reason() {
        return getMessage();
    }

    public SortedMap<String, String> errors() {
        return errors;
    }
}
