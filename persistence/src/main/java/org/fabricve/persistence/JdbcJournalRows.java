package org.fabricve.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import slick.jdbc.JdbcDataSource;

/**
 * Reads pekko-persistence-jdbc's journal table in the order of its global {@code ordering} column, with plain
 * JDBC on the journal's own connection pool. Blocking: call it from a blocking dispatcher.
 *
 * <p>Why not the plugin's {@code eventsByTag}: its query joins the tag table to a derived table of the journal,
 * and H2 plans that as a full scan of the tag table on every poll (measured: 228 ms with 22,000 events, growing
 * with the journal, polled every 20 ms). Every fabric event carries the one tag {@link FabricTags#ALL}, so reading
 * the journal by ordering is the same stream, and the ordering index answers it in microseconds.
 */
final class JdbcJournalRows {

    /** One journal row; {@code deleted} rows hold their place in the ordering but carry no event to deliver. */
    record Row(long ordering, boolean deleted, String persistenceId, long sequenceNr, long writeTimestamp,
               int serializerId, String manifest, byte[] payload) {}

    private static final String AFTER = "select \"ordering\", \"deleted\", \"persistence_id\", \"sequence_number\","
            + " \"write_timestamp\", \"event_ser_id\", \"event_ser_manifest\", \"event_payload\""
            + " from \"event_journal\" where \"ordering\" > ? and \"ordering\" <= ? order by \"ordering\" limit ?";
    private static final String MAX = "select max(\"ordering\") from \"event_journal\"";

    private final JdbcDataSource source;

    JdbcJournalRows(JdbcDataSource source) {
        this.source = source;
    }

    /** Up to {@code limit} rows with {@code after < ordering <= upTo}, ascending. */
    List<Row> after(long after, long upTo, int limit) throws SQLException {
        try (Connection c = source.createConnection(); PreparedStatement s = c.prepareStatement(AFTER)) {
            s.setLong(1, after);
            s.setLong(2, upTo);
            s.setInt(3, limit);
            List<Row> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new Row(r.getLong(1), r.getBoolean(2), r.getString(3), r.getLong(4), r.getLong(5),
                            r.getInt(6), r.getString(7), r.getBytes(8)));
                }
            }
            return rows;
        }
    }

    /** The highest ordering written so far (0 for an empty journal). */
    long maxOrdering() throws SQLException {
        try (Connection c = source.createConnection(); PreparedStatement s = c.prepareStatement(MAX);
             ResultSet r = s.executeQuery()) {
            return r.next() ? r.getLong(1) : 0L;
        }
    }
}
