package org.fabricve.gateway;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.HttpCookie;
import org.apache.pekko.http.javadsl.model.headers.SetCookie;
import org.apache.pekko.http.javadsl.server.Route;
import org.fabricve.gateway.security.RootCredentials;
import org.fabricve.gateway.security.TicketAuthority;

/** {@code POST /access/ticket}: password login for root@pam, answered with a ticket and a CSRF token. */
final class AccessRoutes extends RouteSupport {

    private final RootCredentials credentials;
    private final TicketAuthority tickets;

    AccessRoutes(RootCredentials credentials, TicketAuthority tickets) {
        this.credentials = credentials;
        this.tickets = tickets;
    }

    Route routes() {
        return pathPrefix("access", () -> path("ticket", () -> post(() -> withParams(this::login))));
    }

    private Route login(Map<String, String> params) {
        String username = params.get("username");
        String password = params.get("password");
        if (username == null || username.isEmpty()) {
            throw ApiException.badParameter("username", "property is missing and it is not optional");
        }
        if (password == null) {
            throw ApiException.badParameter("password", "property is missing and it is not optional");
        }
        String realm = params.get("realm");
        boolean valid = realm == null ? credentials.verify(username, password)
                : credentials.verify(username, realm, password);
        if (!valid) {
            throw ApiException.unauthorized("authentication failure");
        }
        String user = RootCredentials.ROOT_USERID;
        String ticket = tickets.issueTicket(user);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("username", user);
        data.put("ticket", ticket);
        data.put("CSRFPreventionToken", tickets.csrfToken(user));
        data.put("cap", Map.of());
        HttpResponse response = ApiJson.ok(data).addHeader(SetCookie.create(
                HttpCookie.create(Authentication.COOKIE, ticket).withPath("/").withSecure(false).withHttpOnly(false)));
        return complete(response);
    }
}
