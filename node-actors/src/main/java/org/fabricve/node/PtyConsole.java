package org.fabricve.node;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.util.ByteString;

/**
 * A guest's serial console (the pty QEMU gives ttyS0) as one flow: bytes in are typed on the console, bytes
 * out are what the guest prints. The blocking pty reads and writes run on Pekko's blocking-IO dispatcher,
 * never on an actor's thread. Either direction ending ends the other.
 *
 * <p>The reader is a FileChannel, closed from outside when the console ends: a read blocked on a quiet pty
 * cannot see a stream's cancellation, and a stale reader left behind would steal the next console's output.
 */
public final class PtyConsole {

    private static final int READ_CHUNK = 4096;

    private PtyConsole() {}

    public static Flow<ByteString, ByteString, NotUsed> of(Path pty) {
        return Flow.fromMaterializer((materializer, attributes) -> {
            AtomicReference<FileChannel> reader = new AtomicReference<>();
            AtomicBoolean ended = new AtomicBoolean();
            Runnable closeReader = () -> {
                ended.set(true);
                FileChannel ch = reader.get();
                if (ch != null) {
                    try {
                        ch.close(); // wakes a read blocked in the kernel (AsynchronousCloseException)
                    } catch (IOException ignored) {
                        // already closed
                    }
                }
            };
            Sink<ByteString, NotUsed> typed = Flow.<ByteString>create()
                    .watchTermination((m, done) -> done.whenComplete((ok, failure) -> closeReader.run()))
                    .to(StreamConverters.fromOutputStream(() -> new FileOutputStream(pty.toFile()), true))
                    .mapMaterializedValue(x -> NotUsed.getInstance());
            Source<ByteString, NotUsed> printed = Source.unfoldResource(
                            () -> {
                                FileChannel ch = FileChannel.open(pty, StandardOpenOption.READ);
                                reader.set(ch);
                                if (ended.get()) {
                                    ch.close(); // the console ended while the pty was being opened
                                }
                                return ch;
                            },
                            PtyConsole::read,
                            FileChannel::close)
                    // a pty whose guest has gone answers reads with EIO, a closed reader with an
                    // AsynchronousCloseException: both are the console's normal end
                    .recoverWithRetries(1, IOException.class, Source::empty)
                    .async()
                    .watchTermination((m, done) -> done.whenComplete((ok, failure) -> closeReader.run()))
                    .mapMaterializedValue(x -> NotUsed.getInstance());
            return Flow.fromSinkAndSourceCoupled(typed, printed);
        }).mapMaterializedValue(x -> NotUsed.getInstance());
    }

    private static Optional<ByteString> read(FileChannel ch) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(READ_CHUNK);
        int n = ch.read(buffer);
        return n < 0 ? Optional.empty() : Optional.of(ByteString.fromByteBuffer(buffer.flip()));
    }
}
