package org.fabricve.core.hypervisor;

/** The hypervisor refused or failed an operation; the message is fit for a task log. */
public class HypervisorException extends RuntimeException {
    public HypervisorException(String message) {
        super(message);
    }

    public HypervisorException(String message, Throwable cause) {
        super(message, cause);
    }
}
