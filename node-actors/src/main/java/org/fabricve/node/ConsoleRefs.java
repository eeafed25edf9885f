package org.fabricve.node;

import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SinkRef;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.StreamRefs;
import org.apache.pekko.util.ByteString;
import org.fabricve.core.FabricSerializable;

/**
 * A console offered to another member as stream references: what is sent into {@code typed} is typed on the
 * console, {@code printed} yields what the guest prints. Both null when the guest has no console to offer
 * (not running, or a host without ptys). Jackson carries the refs (pekko-serialization-jackson's
 * StreamRefModule); each ref is single-use and must be materialized within the stream-ref subscription
 * timeout, or the offering side ends the console.
 */
public record ConsoleRefs(SinkRef<ByteString> typed, SourceRef<ByteString> printed) implements FabricSerializable {

    public static final ConsoleRefs NONE = new ConsoleRefs(null, null);

    /**
     * Runs {@code console} on this member between two fresh refs. When the remote input ends, the console's
     * coupling ends its output too; when the console's output ends, the remote input is cancelled.
     */
    public static ConsoleRefs offer(Flow<ByteString, ByteString, NotUsed> console, Materializer materializer) {
        var refs = StreamRefs.<ByteString>sinkRef()
                .via(console)
                .toMat(StreamRefs.<ByteString>sourceRef(), Keep.both())
                .run(materializer);
        return new ConsoleRefs(refs.first(), refs.second());
    }

    /** Whether a console was offered. */
    public boolean offered() {
        return typed != null && printed != null;
    }

    /**
     * The remote console as a local flow (materialize it once). Not coupled here: the owner's coupling ends
     * both refs when either direction ends, and the output ref completes only after the console's last bytes,
     * which a local coupling would race (the input's cancellation could drop what the guest printed last).
     */
    public Flow<ByteString, ByteString, NotUsed> flow() {
        return Flow.fromSinkAndSource(typed.getSink(), printed.getSource());
    }
}
