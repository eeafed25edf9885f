package org.fabricve.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.fabricve.persistence.JournalAudit.Row;
import org.junit.jupiter.api.Test;

class JournalAuditTest {

    @Test
    void aSoundJournalHasNoViolations() {
        assertThat(JournalAudit.violations(List.of(
                new Row("guest|100", 2, "a"), new Row("guest|100", 1, "a"),
                new Row("guest|100", 3, "b"), new Row("guest|101", 1, "c")))).isEmpty();
    }

    @Test
    void aGapIsReported() {
        assertThat(JournalAudit.violations(List.of(new Row("g", 1, "a"), new Row("g", 4, "a"))))
                .containsExactly("g: sequence numbers 2..3 missing");
    }

    @Test
    void aRepeatedSequenceNumberIsReported() {
        assertThat(JournalAudit.violations(List.of(new Row("g", 1, "a"), new Row("g", 1, "b"))))
                .containsExactly("g: sequence number 1 written twice");
    }

    @Test
    void aWriterThatComesBackMeansTwoLiveIncarnations() {
        assertThat(JournalAudit.violations(List.of(
                new Row("g", 1, "a"), new Row("g", 2, "b"), new Row("g", 3, "a"))))
                .containsExactly("g: writer a wrote again at 3 after writer b took over");
    }

    @Test
    void aJournalStartingAfterOneIsAGap() {
        assertThat(JournalAudit.violations(List.of(new Row("g", 2, "a"))))
                .containsExactly("g: sequence numbers 1..1 missing");
    }
}
