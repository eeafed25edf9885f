package org.fabricve.gateway;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/** Directives every route family shares: merged parameters and futures that fail into the error envelope. */
abstract class RouteSupport extends AllDirectives {

    /** Query string plus form or JSON body, as one map. */
    protected Route withParams(Function<Map<String, String>, Route> inner) {
        return extractRequest(request -> entity(Unmarshaller.entityToString(), body -> {
            String contentType = request.entity().getContentType().mediaType().toString();
            return inner.apply(RequestParams.merge(request.getUri().query().toMap(), contentType, body));
        }));
    }

    /** Continues with the value, or lets the failure reach the exception handler. */
    protected <T> Route await(CompletionStage<T> stage, Function<T, Route> inner) {
        return onSuccess(stage, inner::apply);
    }

    protected Route ok(Object data) {
        return complete(ApiJson.ok(data));
    }
}
