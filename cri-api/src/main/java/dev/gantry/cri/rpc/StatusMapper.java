package dev.gantry.cri.rpc;

import dev.gantry.common.errors.DiskFull;
import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.Failures;
import dev.gantry.common.errors.GantryException;
import dev.gantry.common.text.Untrusted;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place where failures become gRPC status. Domain code throws {@link GantryException}s
 * with an {@link ErrorKind}; everything else that escapes an RPC is a bug or an environment failure
 * and reaches the caller as INTERNAL with what was asked, never as a bare UNKNOWN.
 */
public final class StatusMapper {

    private StatusMapper() {}

    /** The gRPC code for a domain error kind (the table in style.md, Errors). */
    public static Status.Code codeOf(ErrorKind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
            case UNAVAILABLE -> Status.Code.UNAVAILABLE;
            case UNAUTHENTICATED -> Status.Code.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
            case DATA_LOSS -> Status.Code.DATA_LOSS;
            case RESOURCE_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
            case DEADLINE_EXCEEDED -> Status.Code.DEADLINE_EXCEEDED;
            case CANCELLED -> Status.Code.CANCELLED;
            case UNIMPLEMENTED -> Status.Code.UNIMPLEMENTED;
            case INTERNAL -> Status.Code.INTERNAL;
        };
    }

    /**
     * The status a caller sees for {@code failure} while serving {@code rpc} on {@code objectId}
     * (empty when the RPC names no object).
     */
    public static Status toStatus(Throwable failure, String rpc, String objectId) {
        Throwable t = unwrap(failure);
        if (t instanceof StatusRuntimeException e) {
            return e.getStatus();
        }
        if (t instanceof StatusException e) {
            return e.getStatus();
        }
        if (t instanceof GantryException e) {
            return Status.fromCode(codeOf(e.kind())).withDescription(safe(e.getMessage())).withCause(e);
        }
        if (t instanceof IOException e && DiskFull.causedBy(e)) {
            return Status.RESOURCE_EXHAUSTED.withDescription(safe(what(rpc, objectId) + ": " + e.getMessage())).withCause(e);
        }
        if (t instanceof CancellationException || t instanceof InterruptedException) {
            return Status.CANCELLED.withDescription(safe(what(rpc, objectId) + ": cancelled")).withCause(t);
        }
        return Status.INTERNAL
                .withDescription(safe(what(rpc, objectId) + ": internal error: " + Failures.describe(t)))
                .withCause(t);
    }

    /**
     * The status for a call whose caller gave up before its work started: its deadline passed, or it
     * cancelled. Thrown as a {@link StatusRuntimeException}, not a {@link GantryException}, so that
     * {@link Streaming} can tell a caller that went away (nothing to answer) from a failure to report.
     */
    static StatusRuntimeException callerGone(String what, boolean deadlinePassed) {
        Status status = deadlinePassed
                ? Status.DEADLINE_EXCEEDED.withDescription(what + ": deadline passed before the work started")
                : Status.CANCELLED.withDescription(what + ": caller cancelled");
        return status.asRuntimeException();
    }

    /**
     * A status message as sent: messages quote callers' values (names, paths, hostnames), so control
     * characters are escaped and the whole is cut, and a 1 MiB hostname is not echoed back whole;
     * Java class names a message quotes are left out (the log has the stack trace).
     */
    static String safe(String description) {
        return Untrusted.escape(Failures.withoutClassNames(description), MAX_DESCRIPTION);
    }

    /** Longer than any message of ours with its quoted values; a kubelet shows these in events. */
    static final int MAX_DESCRIPTION = 4096;

    /** True when the status hides a failure we did not expect: worth a stack trace in the log. */
    public static boolean isUnexpected(Throwable failure) {
        Throwable t = unwrap(failure);
        return !(t instanceof GantryException
                || t instanceof StatusRuntimeException
                || t instanceof StatusException
                || t instanceof CancellationException
                || t instanceof InterruptedException
                || (t instanceof IOException e && DiskFull.causedBy(e)));
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException || t instanceof UncheckedIOException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String what(String rpc, String objectId) {
        return objectId == null || objectId.isEmpty() ? rpc : rpc + " " + objectId;
    }
}
