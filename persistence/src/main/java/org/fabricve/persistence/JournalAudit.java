package org.fabricve.persistence;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a journal for the marks two live incarnations of one entity would leave: every entity's sequence
 * numbers must run 1, 2, 3 ... without gap or repeat, and its writers must take turns only once each (an
 * incarnation that writes again after its successor wrote means two were alive at the same time).
 */
public final class JournalAudit {

    /** One stored event: its entity, sequence number and the id of the incarnation that wrote it. */
    public record Row(String persistenceId, long sequenceNr, String writer) {}

    private JournalAudit() {}

    /** Every violation found, one readable line each; empty when the journal is sound. */
    public static List<String> violations(List<Row> rows) {
        Map<String, List<Row>> byEntity = new LinkedHashMap<>();
        for (Row r : rows) {
            byEntity.computeIfAbsent(r.persistenceId(), k -> new ArrayList<>()).add(r);
        }
        List<String> found = new ArrayList<>();
        byEntity.forEach((id, events) -> found.addAll(entityViolations(id, events)));
        return found;
    }

    private static List<String> entityViolations(String id, List<Row> events) {
        List<String> found = new ArrayList<>();
        List<Row> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparingLong(Row::sequenceNr));
        long expected = ordered.isEmpty() ? 1 : Math.min(1, ordered.get(0).sequenceNr());
        Set<String> retired = new HashSet<>();
        String current = null;
        for (Row r : ordered) {
            if (r.sequenceNr() < expected) {
                found.add(id + ": sequence number " + r.sequenceNr() + " written twice");
                continue;
            }
            if (r.sequenceNr() > expected) {
                found.add(id + ": sequence numbers " + expected + ".." + (r.sequenceNr() - 1) + " missing");
            }
            expected = r.sequenceNr() + 1;
            if (!r.writer().equals(current)) {
                if (retired.contains(r.writer())) {
                    found.add(id + ": writer " + r.writer() + " wrote again at " + r.sequenceNr()
                            + " after writer " + current + " took over");
                }
                if (current != null) {
                    retired.add(current);
                }
                current = r.writer();
            }
        }
        return found;
    }
}
