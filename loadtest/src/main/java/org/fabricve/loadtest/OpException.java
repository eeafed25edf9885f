package org.fabricve.loadtest;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** A failed operation, with the kind it is counted under in "errors by kind". */
public final class OpException extends RuntimeException {

    private final String kind;

    public OpException(String kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }

    /** The error kind of any failure: ours as given, otherwise a short name for what went wrong. */
    public static String kindOf(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof OpException op) {
            return op.kind;
        }
        if (t instanceof TimeoutException) {
            return "timeout";
        }
        String name = t.getClass().getSimpleName();
        if (t instanceof ConnectException || name.contains("StreamTcpException")) {
            return "connect";
        }
        if (name.contains("BufferOverflow")) {
            return "client-pool-overflow";
        }
        if (name.contains("HypervisorException")) {
            return "hypervisor";
        }
        return name.isEmpty() ? "error" : name;
    }
}
