package org.fabricve.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /api2/json/openapi.json}: the gateway's OpenAPI document, served without a ticket like any spec. */
final class OpenApiRoute extends RouteSupport {

    private final byte[] document;

    OpenApiRoute() {
        this.document = load();
    }

    Route route() {
        return path("openapi.json", () -> get(() -> {
            if (document == null) {
                throw new ApiException(404, "no OpenAPI document in this build", Map.of());
            }
            return complete(HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON,
                    document)));
        }));
    }

    private static byte[] load() {
        try (InputStream in = OpenApiRoute.class.getResourceAsStream("/openapi.json")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }
}
