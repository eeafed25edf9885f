package org.fabricve.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * {@code events}: {@code --subscribers} clients on {@code /cluster/events} while the lifecycle runs (the
 * measured operations are the lifecycle's). For each TaskFinished event, each subscriber records the delivery
 * latency: its receipt time minus the event's journal write timestamp (ms resolution, same host's clock).
 * Subscribers resume from the journal's head at the start (found by one probe subscriber), so they see only
 * this run's events; afterwards a reference reading of the same journal range proves, per subscriber, that
 * every event arrived exactly once and in order, and that every task the writers saw finish arrived as exactly
 * one TaskFinished ({@link EventChecker}).
 */
final class EventsScenario implements Scenario {

    private static final long IDLE_MS = 700;

    private final Target target;
    private final Stats stats;
    private final NanoClock clock;
    private final int subscribers;
    private final ActorSystem system;
    private final Materializer materializer;
    private final LifecycleScenario lifecycle;
    private final EventChecker checker = new EventChecker();
    private final Set<String> expected = ConcurrentHashMap.newKeySet();
    private final ConcurrentHistogram delivery = new ConcurrentHistogram(1, Stats.HIGHEST_MICROS, 3);
    private final SharedKillSwitch kill = KillSwitches.shared("subscribers");
    private final AtomicLong streamFailures = new AtomicLong();
    private volatile boolean closing;
    private long head;
    private long cut;
    private EventChecker.Result result;
    private double connectSeconds;

    EventsScenario(Target target, Stats stats, NanoClock clock, int subscribers, ActorSystem system) {
        this.target = target;
        this.stats = stats;
        this.clock = clock;
        this.subscribers = subscribers;
        this.system = system;
        this.materializer = Materializer.matFromSystem(system);
        this.lifecycle = new LifecycleScenario(target, stats, clock, expected::add);
    }

    @Override
    public String name() {
        return "events";
    }

    @Override
    public int opsPerIteration() {
        return lifecycle.opsPerIteration();
    }

    @Override
    public void setup() throws Exception {
        head = journalHead();
        long began = clock.nanoTime();
        CountDownLatch connected = new CountDownLatch(subscribers);
        for (int s = 0; s < subscribers; s++) {
            int subscriber = s;
            checker.subscribed(subscriber);
            target.api.events(head, connected::countDown)
                    .via(kill.flow())
                    .runWith(Sink.foreach(e -> receive(subscriber, e)), materializer)
                    .whenComplete((d, t) -> {
                        if (t != null && streamFailures.getAndIncrement() == 0) {
                            System.err.println("loadtest: events: subscriber " + subscriber + "'s stream failed: " + t);
                        } else if (t == null && !closing) {
                            System.err.println("loadtest: events: subscriber " + subscriber + "'s stream ended early");
                        }
                    });
        }
        if (!connected.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException((connected.getCount()) + " of " + subscribers
                    + " subscribers could not connect to /cluster/events");
        }
        connectSeconds = (clock.nanoTime() - began) / 1e9;
        System.err.printf(java.util.Locale.ROOT, "loadtest: events: %d subscribers from event %d (connected in %.1f s)%n",
                subscribers, head, connectSeconds);
    }

    /**
     * The id of the newest journalled event, as the server's {@code fabric.hello} (the first message of every
     * subscription) states it; a server without a hello is read from the start until the stream goes quiet.
     */
    private long journalHead() throws Exception {
        AtomicLong last = new AtomicLong();
        AtomicLong hello = new AtomicLong(-1);
        AtomicLong lastArrival = new AtomicLong(System.nanoTime());
        SharedKillSwitch probeKill = KillSwitches.shared("probe");
        CountDownLatch connected = new CountDownLatch(1);
        target.api.events(-1, connected::countDown).via(probeKill.flow()).runWith(Sink.foreach(e -> {
            if (e.getEventType().filter("fabric.hello"::equals).isPresent()) {
                hello.set(ApiClient.JSON.readTree(e.getData()).path("head").asLong());
            } else if (e.getId().isPresent()) {
                last.set(Long.parseLong(e.getId().get()));
                lastArrival.set(System.nanoTime());
            }
        }), materializer);
        if (!connected.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("cannot subscribe to /cluster/events");
        }
        long helloDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (hello.get() < 0 && System.nanoTime() < helloDeadline) {
            Thread.sleep(10);
        }
        if (hello.get() >= 0) {
            probeKill.shutdown();
            return hello.get();
        }
        // no hello: wait for the first event (an empty journal sends none), then for the stream to go quiet
        long firstDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (last.get() == 0 && System.nanoTime() < firstDeadline) {
            Thread.sleep(20);
        }
        lastArrival.set(Math.max(lastArrival.get(), System.nanoTime() - IDLE_MS * 1_000_000 / 2));
        while (System.nanoTime() - lastArrival.get() < IDLE_MS * 1_000_000) {
            Thread.sleep(50);
        }
        probeKill.shutdown();
        return last.get();
    }

    private void receive(int subscriber, ServerSentEvent e) throws Exception {
        if (e.getData().isEmpty() || e.getId().isEmpty()) {
            return; // heartbeat
        }
        long receivedMillis = System.currentTimeMillis();
        long receivedNanos = clock.nanoTime();
        JsonNode data = ApiClient.JSON.readTree(e.getData());
        long id = data.path("id").asLong(Long.parseLong(e.getId().get()));
        String type = data.path("type").asText("");
        String upid = null;
        if (type.endsWith("TaskFinished")) {
            upid = data.path("event").path("task").path("upid").asText(null);
            long latencyMillis = Math.max(0, receivedMillis - data.path("timestamp").asLong(receivedMillis));
            if (stats.measuring(receivedNanos - latencyMillis * 1_000_000)) {
                delivery.recordValue(Math.max(1, Math.min(Stats.HIGHEST_MICROS, latencyMillis * 1000)));
            }
        }
        checker.received(subscriber, id, upid);
    }

    @Override
    public CompletionStage<Void> iteration(int client, long intendedStartNanos) {
        return lifecycle.iteration(client, intendedStartNanos);
    }

    @Override
    public void teardown() throws Exception {
        // every subscriber should now get every task the writers saw finish; give the read side time to catch up
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline && !checker.allReceivedAtLeast(expected.size())) {
            Thread.sleep(50);
        }
        Thread.sleep(IDLE_MS);
        cut = checker.maxReceived();
        List<Long> reference = reference(cut);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && !checker.allReceivedAtLeast(reference.size())) {
            Thread.sleep(50);
        }
        closing = true;
        kill.shutdown();
        result = checker.verify(reference, expected, cut);
    }

    /** What the journal holds after {@code head} up to {@code upTo}: a fresh reading of the same stream. */
    private List<Long> reference(long upTo) throws Exception {
        List<Long> ids = new ArrayList<>();
        if (upTo <= head) {
            return ids;
        }
        SharedKillSwitch refKill = KillSwitches.shared("reference");
        CountDownLatch reached = new CountDownLatch(1);
        target.api.events(head, () -> {}).via(refKill.flow()).runWith(Sink.foreach(e -> {
            if (e.getId().isPresent()) {
                long id = Long.parseLong(e.getId().get());
                synchronized (ids) {
                    if (id <= upTo) {
                        ids.add(id);
                    }
                }
                if (id >= upTo) {
                    reached.countDown();
                }
            }
        }), materializer);
        boolean ok = reached.await(30, TimeUnit.SECONDS);
        refKill.shutdown();
        if (!ok) {
            throw new IllegalStateException("the reference reading did not reach event " + upTo);
        }
        synchronized (ids) {
            return new ArrayList<>(ids);
        }
    }

    @Override
    public Map<String, Object> extra() {
        Map<String, Object> out = new LinkedHashMap<>(lifecycle.extra());
        out.put("subscribers", subscribers);
        out.put("subscribers_connect_s", Report.round(connectSeconds));
        out.put("journal_head_at_start", head);
        out.put("checked_up_to", cut);
        out.put("delivery_latency_ms", Percentiles.of(delivery));
        out.put("delivery_latency_note", "TaskFinished events: receipt time minus the event's journal write timestamp "
                + "(ms resolution), per subscriber; warm-up excluded");
        out.put("stream_failures", streamFailures.get());
        if (result != null) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("verdict", result.ok() ? "OK: every subscriber got every journal event exactly once, in order"
                    : "FAILED: see problems");
            check.put("result", result);
            out.put("events_check", check);
        }
        return out;
    }
}
