package org.fabricve.gateway;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.file.Path;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.util.ByteString;

/**
 * A WebSocket on a guest's serial console (the pty QEMU gives ttyS0): what the client sends is typed on
 * the console, what the guest prints comes back as text. The blocking pty reads and writes run on Pekko's
 * blocking-IO dispatcher (StreamConverters), never on the actors' threads.
 */
final class SerialConsoleBridge {

    private static final long STRICT_TIMEOUT_MS = 5_000;

    private SerialConsoleBridge() {}

    static Flow<Message, Message, NotUsed> to(Path pty, Materializer materializer) {
        Sink<Message, NotUsed> typed = Flow.<Message>create()
                .mapAsync(1, message -> message.isText()
                        ? message.asTextMessage().toStrict(STRICT_TIMEOUT_MS, materializer)
                        .thenApply(t -> ByteString.fromString(t.getStrictText()))
                        : message.asBinaryMessage().toStrict(STRICT_TIMEOUT_MS, materializer)
                        .thenApply(b -> b.getStrictData()))
                .to(StreamConverters.fromOutputStream(() -> new FileOutputStream(pty.toFile()), true))
                .mapMaterializedValue(x -> NotUsed.getInstance());
        Source<Message, NotUsed> printed = StreamConverters.fromInputStream(() -> new FileInputStream(pty.toFile()), 4096)
                .map(bytes -> (Message) TextMessage.create(bytes.utf8String()))
                .mapMaterializedValue(x -> NotUsed.getInstance());
        // either side ending (client gone, guest console closed) ends the other
        return Flow.fromSinkAndSourceCoupled(typed, printed);
    }
}
