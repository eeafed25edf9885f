package org.fabricve.core.config;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** The outcome of validating a create or update request: either a usable config or every error found. */
public sealed interface Validation permits Validation.Valid, Validation.Invalid {

    /** The normalized config (generated MACs filled in) and the volumes that still have to be allocated. */
    record Valid(GuestConfig config, List<VolumeRequest> newVolumes) implements Validation {
        public Valid {
            newVolumes = List.copyOf(newVolumes);
        }
    }

    /** Parameter name to message, in the shape of Proxmox's {@code {"errors": {param: msg}}}. */
    record Invalid(SortedMap<String, String> errors) implements Validation {
        public Invalid {
            if (errors.isEmpty()) {
                throw new IllegalArgumentException("an invalid result needs at least one error");
            }
            errors = Collections.unmodifiableSortedMap(new TreeMap<>(errors));
        }
    }
}
