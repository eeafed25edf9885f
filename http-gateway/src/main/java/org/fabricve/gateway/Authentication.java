package org.fabricve.gateway;

import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.server.Route;
import org.fabricve.gateway.security.ApiToken;
import org.fabricve.gateway.security.TicketAuthority;

/**
 * Proxmox's authentication: a ticket in the {@code PVEAuthCookie} cookie, plus a valid
 * {@code CSRFPreventionToken} header on every write. API tokens are recognised but none exist yet.
 */
final class Authentication extends RouteSupport {

    static final String COOKIE = "PVEAuthCookie";
    static final String CSRF_HEADER = "CSRFPreventionToken";

    private final TicketAuthority tickets;

    Authentication(TicketAuthority tickets) {
        this.tickets = tickets;
    }

    /** Runs inner with the authenticated user id, or answers 401. */
    Route authenticated(Function<String, Route> inner) {
        return optionalHeaderValueByName("Authorization", authorization -> {
            if (authorization.isPresent() && authorization.get().startsWith(ApiToken.SCHEME)) {
                Optional<ApiToken> token = ApiToken.parseAuthorizationHeader(authorization.get());
                throw ApiException.unauthorized(token.isEmpty() ? "malformed API token"
                        : "invalid token value for '" + token.get().fullTokenId() + "'");
            }
            return optionalCookie(COOKIE, cookie -> {
                if (cookie.isEmpty()) {
                    throw ApiException.unauthorized("No ticket");
                }
                String user = tickets.verifyTicket(cookie.get().value())
                        .orElseThrow(() -> ApiException.unauthorized("invalid ticket"));
                return extractMethod(method -> {
                    if (method.equals(HttpMethods.GET) || method.equals(HttpMethods.HEAD)
                            || method.equals(HttpMethods.OPTIONS)) {
                        return inner.apply(user);
                    }
                    return optionalHeaderValueByName(CSRF_HEADER, csrf -> {
                        if (csrf.isEmpty()) {
                            throw ApiException.unauthorized("Permission check failed (missing CSRF prevention token)");
                        }
                        if (!tickets.verifyCsrf(user, csrf.get())) {
                            throw ApiException.unauthorized("Permission check failed (invalid CSRF prevention token)");
                        }
                        return inner.apply(user);
                    });
                });
            });
        });
    }
}
