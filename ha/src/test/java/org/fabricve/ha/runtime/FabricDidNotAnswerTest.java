package org.fabricve.ha.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.pattern.AskTimeoutException;
import org.junit.jupiter.api.Test;

/** Which failures of an order say nothing about the guest, so that the agent runs the order again. */
class FabricDidNotAnswerTest {

    @Test
    void anAskToARegionAlreadyGoneIsNotAnswerEvenWhenWrapped() {
        AskTimeoutException gone = new AskTimeoutException("Recipient shard region had already been terminated.");

        assertThat(HaAgentActor.fabricDidNotAnswer(gone)).isTrue();
        assertThat(HaAgentActor.fabricDidNotAnswer(new CompletionException(gone))).isTrue();
    }

    @Test
    void aFailedStartOrATaskStillRunningIsAnAnswer() {
        assertThat(HaAgentActor.fabricDidNotAnswer(new IllegalStateException("start of vm:101: the guest does not exist"))).isFalse();
        assertThat(HaAgentActor.fabricDidNotAnswer(new CompletionException(new TimeoutException("task still running")))).isFalse();
    }
}
