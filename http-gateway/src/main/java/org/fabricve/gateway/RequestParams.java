package org.fabricve.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.Query;

/**
 * Proxmox clients send parameters as a query string, a form body or a JSON body. They are merged into
 * one map of strings (body over query), with JSON booleans as 1/0 like Proxmox's own parser.
 */
public final class RequestParams {

    private RequestParams() {}

    public static Map<String, String> merge(Map<String, String> query, String contentType, String body) {
        Map<String, String> params = new LinkedHashMap<>(query);
        if (body == null || body.isBlank()) {
            return params;
        }
        if (contentType != null && contentType.startsWith("application/json")) {
            params.putAll(fromJson(body));
        } else {
            params.putAll(Query.create(body.strip()).toMap());
        }
        return params;
    }

    static Map<String, String> fromJson(String body) {
        JsonNode root;
        try {
            root = ApiJson.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw ApiException.badParameter("body", "malformed JSON");
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badParameter("body", "a JSON object is expected");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            var field = it.next();
            JsonNode value = field.getValue();
            if (value.isBoolean()) {
                params.put(field.getKey(), value.booleanValue() ? "1" : "0");
            } else if (value.isValueNode() && !value.isNull()) {
                params.put(field.getKey(), value.asText());
            } else if (value.isArray()) {
                // Proxmox takes lists (e.g. delete) as comma-separated strings
                var parts = new java.util.ArrayList<String>();
                value.forEach(v -> parts.add(v.asText()));
                params.put(field.getKey(), String.join(",", parts));
            } else if (!value.isNull()) {
                throw ApiException.badParameter(field.getKey(), "type check ('string') failed - got an object");
            }
        }
        return params;
    }

    /** Proxmox booleans: 0/1, also the usual words. */
    public static boolean flag(Map<String, String> params, String name) {
        String v = params.get(name);
        if (v == null) {
            return false;
        }
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off", "" -> false;
            default -> throw ApiException.badParameter(name, "type check ('boolean') failed - got '" + v + "'");
        };
    }

    public static int integer(Map<String, String> params, String name, int defaultValue, int min, int max) {
        String v = params.get(name);
        if (v == null || v.isEmpty()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min) {
                throw ApiException.badParameter(name, "value must have a minimum value of " + min);
            }
            if (n > max) {
                throw ApiException.badParameter(name, "value must have a maximum value of " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badParameter(name, "type check ('integer') failed - got '" + v + "'");
        }
    }
}
