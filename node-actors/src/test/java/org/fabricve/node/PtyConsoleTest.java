package org.fabricve.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A console closed while the guest is quiet must release its reader at once: a reader left blocked on the
 * pty would take the next console's first output. A FIFO held open by a "guest" writer stands in for the pty.
 */
class PtyConsoleTest {

    static ActorSystem<Void> system;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "pty");
    }

    @AfterAll
    static void stop() {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
    }

    record Session(SourceQueueWithComplete<ByteString> typed, StringBuffer printed, CompletionStage<Done> ended) {}

    Session open(Path fifo) {
        StringBuffer printed = new StringBuffer();
        Pair<SourceQueueWithComplete<ByteString>, CompletionStage<Done>> m = Source
                .<ByteString>queue(16, OverflowStrategy.backpressure())
                .via(PtyConsole.of(fifo))
                .toMat(Sink.foreach(b -> printed.append(b.utf8String())), Keep.both())
                .run(Materializer.matFromSystem(system));
        return new Session(m.first(), printed, m.second());
    }

    @Test
    void aClosedConsoleReleasesItsReaderSoTheNextConsoleGetsEverything() throws Exception {
        Path fifo = tmp.resolve("ttyS0");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        // the guest's end: read-write so that opening it does not wait for a reader, and it never reads
        try (FileChannel guest = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Session first = open(fifo);
            first.typed().complete();
            first.ended().toCompletableFuture().get(10, TimeUnit.SECONDS);

            Session second = open(fifo);
            guest.write(ByteBuffer.wrap("hello\n".getBytes()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (second.printed().indexOf("hello") < 0 && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertThat(second.printed().toString()).isEqualTo("hello\n");
            assertThat(first.printed().toString()).isEmpty();
            second.typed().complete();
            second.ended().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
