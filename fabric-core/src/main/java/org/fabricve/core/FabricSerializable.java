package org.fabricve.core;

/**
 * Marks the records that cross a process boundary or land in the journal: events, state snapshots and
 * cluster messages. The persistence module binds it to Jackson CBOR; nothing in the core depends on that.
 */
public interface FabricSerializable {}
