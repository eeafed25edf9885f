package org.fabricve.gateway;

import java.util.Map;
import org.fabricve.core.guest.Rejection;
import org.fabricve.node.GuestEntity;

/** Maps the guest entity's answers onto HTTP. */
final class GuestReplies {

    private GuestReplies() {}

    static String upidOrThrow(GuestEntity.Reply reply) {
        if (reply instanceof GuestEntity.Accepted a) {
            return a.upid();
        }
        throw toApi(((GuestEntity.Rejected) reply).rejection());
    }

    static ApiException toApi(Rejection r) {
        return switch (r.kind()) {
            case NOT_FOUND -> ApiException.notFound(r.message());
            case CONFLICT -> ApiException.conflict(r.message());
            case INVALID_PARAMETER -> ApiException.badParameter(r.param(), r.message());
            case UNAVAILABLE -> new ApiException(503, r.message(), Map.of());
        };
    }
}
