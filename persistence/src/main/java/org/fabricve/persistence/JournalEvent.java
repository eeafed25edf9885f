package org.fabricve.persistence;

/**
 * One event as read back from the journal: {@code id} is its global position (the journal's ordering),
 * stable forever, so it serves as the event stream's event id and resume point.
 */
public record JournalEvent(long id, String persistenceId, long sequenceNr, long timestamp, Object event) {}
