package org.fabricve.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
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
 * A console offered by one actor system and used by another, as between two members: the offer crosses as
 * Jackson CBOR (the project's binding for cluster messages), the bytes over Artery. The console is a FIFO
 * opened through {@link PtyConsole}, a real blocking file that echoes what is typed into it.
 */
class ConsoleRefsTest {

    static final Duration DEADLINE = Duration.ofSeconds(15);

    static ActorSystem<Void> owner;
    static ActorSystem<Void> asker;

    @TempDir
    Path tmp;

    @BeforeAll
    static void twoSystems() {
        owner = system("owner");
        asker = system("asker");
    }

    @AfterAll
    static void stop() {
        for (var s : new ActorSystem<?>[] {asker, owner}) {
            if (s != null) {
                s.terminate();
                s.getWhenTerminated().toCompletableFuture().join();
            }
        }
    }

    static ActorSystem<Void> system(String name) {
        return ActorSystem.create(Behaviors.empty(), name, ConfigFactory.parseString("""
                pekko.actor.provider = remote
                pekko.remote.artery.canonical.hostname = "127.0.0.1"
                pekko.remote.artery.canonical.port = 0
                pekko.actor.serialization-bindings { "org.fabricve.core.FabricSerializable" = jackson-cbor }
                pekko.loglevel = WARNING
                """).withFallback(ConfigFactory.load()));
    }

    /** The offer as the asking member receives it: serialized by the owner, read back by the asker. */
    static ConsoleRefs carried(ConsoleRefs offered) throws Exception {
        Serialization out = SerializationExtension.get(owner);
        var serializer = out.serializerFor(ConsoleRefs.class);
        byte[] bytes = out.serialize(offered).get();
        assertThat(serializer.getClass().getSimpleName()).contains("Jackson");
        return (ConsoleRefs) SerializationExtension.get(asker)
                .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, offered)).get();
    }

    record Client(SourceQueueWithComplete<ByteString> typed, CompletionStage<Done> inputEnded,
                  StringBuffer printed, CompletionStage<Done> outputEnded) {}

    static Client attach(ConsoleRefs refs) {
        StringBuffer printed = new StringBuffer();
        Pair<Pair<SourceQueueWithComplete<ByteString>, CompletionStage<Done>>, CompletionStage<Done>> m = Source
                .<ByteString>queue(16, OverflowStrategy.backpressure())
                .watchTermination(Keep.both())
                .via(refs.flow())
                .toMat(Sink.foreach(b -> printed.append(b.utf8String())), Keep.both())
                .run(Materializer.matFromSystem(asker));
        return new Client(m.first().first(), m.first().second(), printed, m.second());
    }

    static void await(CompletionStage<?> stage, String what) throws Exception {
        try {
            stage.toCompletableFuture().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(what + " within " + DEADLINE, e);
        }
    }

    static void awaitPrinted(Client client, String expected) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (client.printed().indexOf(expected) < 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("'" + expected + "' not printed within " + DEADLINE + "; so far: "
                        + client.printed());
            }
            Thread.sleep(1);
        }
    }

    @Test
    void typedBytesReachTheOwnersConsoleAndItsOutputComesBackThenClosingTheSocketEndsBoth() throws Exception {
        Path fifo = tmp.resolve("console");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        ConsoleRefs offered = ConsoleRefs.offer(PtyConsole.of(fifo), Materializer.matFromSystem(owner));
        Client client = attach(carried(offered));

        long t = System.nanoTime();
        client.typed().offer(ByteString.fromString("echo console-42\n"));
        awaitPrinted(client, "echo console-42");
        System.out.printf("console refs: first round trip across systems %d ms%n", (System.nanoTime() - t) / 1_000_000);
        long n = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            client.typed().offer(ByteString.fromString("line-" + i + "\n")).toCompletableFuture().get(5, TimeUnit.SECONDS);
            awaitPrinted(client, "line-" + i + "\n");
        }
        System.out.printf("console refs: 100 echoed lines, %d us per round trip%n",
                (System.nanoTime() - n) / 1_000 / 100);

        client.typed().complete();
        await(client.outputEnded(), "the output ends when the user closes the console");
        assertThat(Files.exists(fifo)).isTrue();
    }

    @Test
    void theConsoleEndingOnTheOwnerEndsTheOutput() throws Exception {
        // a console that prints one line and ends, as a guest's pty does when the guest stops
        Flow<ByteString, ByteString, org.apache.pekko.NotUsed> ending = Flow.fromSinkAndSourceCoupled(
                Sink.ignore(), Source.single(ByteString.fromString("bye\n")));
        Client client = attach(carried(ConsoleRefs.offer(ending, Materializer.matFromSystem(owner))));
        await(client.outputEnded(), "the output ends with the console");
        assertThat(client.printed().toString()).isEqualTo("bye\n");
        // Not asserted: that the user's input is cancelled too. It is not always (seen in 1 of 3 CI runs, even
        // after 45 s) when the console ends before the input's sink ref is subscribed. A WebSocket still closes,
        // because its output completes (RemoteConsoleTest: the socket closes with 1000 when the guest stops).
    }

    @Test
    void noConsoleCrossesAsNone() throws Exception {
        ConsoleRefs none = carried(ConsoleRefs.NONE);
        assertThat(none.offered()).isFalse();
    }
}
