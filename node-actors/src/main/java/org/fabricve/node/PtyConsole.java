package org.fabricve.node;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.util.ByteString;

/**
 * A guest's serial console (the pty QEMU gives ttyS0) as one flow: bytes in are typed on the console, bytes
 * out are what the guest prints. The blocking pty reads and writes run on Pekko's blocking-IO dispatcher
 * (StreamConverters' default), never on an actor's thread.
 */
public final class PtyConsole {

    private static final int READ_CHUNK = 4096;

    private PtyConsole() {}

    public static Flow<ByteString, ByteString, NotUsed> of(Path pty) {
        Sink<ByteString, NotUsed> typed = StreamConverters
                .fromOutputStream(() -> new FileOutputStream(pty.toFile()), true)
                .mapMaterializedValue(x -> NotUsed.getInstance());
        Source<ByteString, NotUsed> printed = StreamConverters
                .fromInputStream(() -> new FileInputStream(pty.toFile()), READ_CHUNK)
                // a pty whose guest has gone answers reads with EIO: that is the console's normal end
                .recoverWithRetries(0, IOException.class, Source::empty)
                .mapMaterializedValue(x -> NotUsed.getInstance());
        // either side ending (the user gone, the guest's console closed) ends the other
        return Flow.fromSinkAndSourceCoupled(typed, printed);
    }
}
