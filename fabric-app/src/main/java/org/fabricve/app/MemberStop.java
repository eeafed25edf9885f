package org.fabricve.app;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a member's process may end: once its actor system has terminated, or 2 s after its coordinated shutdown has
 * run every phase, whichever comes first. Each phase is bounded; the actor system's end is not. A member cut off from
 * the majority and from the journal was once downed, ran every phase, and then waited on a terminating actor system
 * for good while its journal stream retried: the process never exited and its operator never learned it was downed.
 * Pekko's own {@code exit-jvm} does the same: it exits when the last phase times out, terminated or not. We keep
 * {@code exit-jvm} off so that {@code fabric up} can say why it stopped and exit with its own code.
 */
final class MemberStop {

    private static final Logger LOG = LoggerFactory.getLogger(MemberStop.class);
    private static final int STACK_FRAMES = 16;
    private static final long TERMINATION_GRACE_MILLIS = 2_000;

    private MemberStop() {}

    /**
     * Registers on {@code system} (before anything can shut it down); the result completes with true when the actor
     * system terminated, false when the shutdown's phases were over first.
     */
    static CompletableFuture<Boolean> watch(ActorSystem<?> system) {
        CompletableFuture<Boolean> stopped = new CompletableFuture<>();
        system.getWhenTerminated().thenRun(() -> stopped.complete(true));
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
        shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "member-stop-watch", () -> {
            // the run has begun: asking for it again starts nothing, it hands back the run's own completion
            shutdown.runAll(CoordinatedShutdown.unknownReason()).whenComplete((done, failure) ->
                    // the last phase ends with the classic system's termination; the typed future follows a moment later
                    CompletableFuture.delayedExecutor(TERMINATION_GRACE_MILLIS, TimeUnit.MILLISECONDS).execute(() -> {
                        if (stopped.complete(false)) {
                            LOG.warn("the shutdown ran every phase but the actor system has not terminated: the "
                                    + "member stops without waiting for it; its busy threads:{}", busyThreads(system.name()));
                        }
                    }));
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        return stopped;
    }

    /** The stacks of the actor system's threads that are not idle: what held its termination, for the log. */
    static String busyThreads(String systemName) {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            boolean idle = Arrays.stream(stack).anyMatch(f -> f.getMethodName().equals("awaitWork"));
            if (!thread.getName().startsWith(systemName + "-") || idle || stack.length == 0) return;
            out.append("\n  ").append(thread.getName()).append(" (").append(thread.getState()).append(')');
            Arrays.stream(stack).limit(STACK_FRAMES).forEach(f -> out.append("\n    at ").append(f));
        });
        return out.length() == 0 ? " none" : out.toString();
    }
}
