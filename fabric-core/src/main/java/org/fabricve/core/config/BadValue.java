package org.fabricve.core.config;

/**
 * Signals one rejected parameter value while a rule parses it; the validator catches it and records the
 * message under the parameter's name, so a request reports every bad key, not just the first.
 */
final class BadValue extends RuntimeException {

    BadValue(String message) {
        super(message, null, false, false); // no stack trace: this is control flow for user input, not a bug
    }
}
