package org.fabricve.gateway;

import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * A WebSocket on a guest's serial console: what the client sends (text or binary frames) is typed on the
 * console, what the guest prints comes back as text frames. The console flow is the pty itself when this
 * member runs the guest's node, or stream refs to the owning member's agent otherwise (FabricServices.console);
 * either way the console ending closes the socket and the socket closing ends the console.
 */
final class SerialConsoleBridge {

    private static final long STRICT_TIMEOUT_MS = 5_000;

    private SerialConsoleBridge() {}

    static Flow<Message, Message, NotUsed> to(Flow<ByteString, ByteString, NotUsed> console, Materializer materializer) {
        return Flow.<Message>create()
                .mapAsync(1, message -> message.isText()
                        ? message.asTextMessage().toStrict(STRICT_TIMEOUT_MS, materializer)
                        .thenApply(t -> ByteString.fromString(t.getStrictText()))
                        : message.asBinaryMessage().toStrict(STRICT_TIMEOUT_MS, materializer)
                        .thenApply(b -> b.getStrictData()))
                .via(console)
                .map(bytes -> (Message) TextMessage.create(bytes.utf8String()));
    }
}
