package org.fabricve.core.storage;

import org.fabricve.core.FabricSerializable;

/** Changes to the storage configuration. */
public sealed interface StorageEvent extends FabricSerializable {

    String storage();

    record StorageDefined(StorageDefinition definition, long time) implements StorageEvent {
        @Override
        public String storage() {
            return definition.storage();
        }
    }
}
