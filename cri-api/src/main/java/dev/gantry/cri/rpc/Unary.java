package dev.gantry.cri.rpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the body of one unary RPC: refuses work whose caller already gave up, answers with the
 * body's response or with the status {@link StatusMapper} gives its failure, and logs the call at
 * debug with its latency (failures at warn, with the object id; the same RPC failing the same way is
 * logged at most {@value WarningLimiter#BURST} times in 10 s, then counted). Endpoints call nothing else.
 */
public final class Unary {

    private static final Logger log = LoggerFactory.getLogger(Unary.class);
    private static final WarningLimiter WARNINGS = new WarningLimiter(System::nanoTime);

    private Unary() {}

    /**
     * @param rpc the RPC's name as the CRI spells it, e.g. {@code "ContainerStatus"}
     * @param objectId the id or name the request is about, or {@code ""} when there is none
     */
    public static <T> void call(String rpc, String objectId, StreamObserver<T> observer, Callable<T> body) {
        long start = System.nanoTime();
        String what = objectId.isEmpty() ? rpc : rpc + " " + objectId;
        T response;
        try {
            checkCallerStillWaiting(what);
            response = body.call();
        } catch (Throwable failure) {
            Status status = StatusMapper.toStatus(failure, rpc, objectId);
            if (StatusMapper.isUnexpected(failure)) {
                // Our bugs are always logged whole.
                log.warn("{} failed after {} ms: {}", what, millisSince(start), status.getDescription(), failure);
            } else {
                WarningLimiter.Verdict verdict = WARNINGS.admit(rpc + " " + status.getCode());
                if (verdict.log()) {
                    log.warn("{} failed after {} ms: {} {}{}", what, millisSince(start), status.getCode(), status.getDescription(),
                            verdict.suppressedBefore() == 0 ? ""
                                    : " (" + verdict.suppressedBefore() + " more " + rpc + " " + status.getCode() + " not logged before this)");
                }
            }
            send(observer, status);
            return;
        }
        try {
            observer.onNext(response);
            observer.onCompleted();
        } catch (StatusRuntimeException gone) {
            // The caller cancelled between our work and our answer: nothing left to tell anyone.
            log.debug("{}: caller went away before the response: {}", what, gone.getStatus());
            return;
        }
        if (log.isDebugEnabled()) {
            log.debug("{} ok in {} ms", what, millisSince(start));
        }
    }

    /** Refuses work whose caller already gave up: DEADLINE_EXCEEDED or CANCELLED naming {@code what}. */
    static void checkCallerStillWaiting(String what) {
        Context context = Context.current();
        if (!context.isCancelled()) {
            return;
        }
        Deadline deadline = context.getDeadline();
        throw StatusMapper.callerGone(what, deadline != null && deadline.isExpired());
    }

    private static <T> void send(StreamObserver<T> observer, Status status) {
        try {
            observer.onError(status.asRuntimeException());
        } catch (StatusRuntimeException | IllegalStateException alreadyClosed) {
            // The call is already closed (cancelled); the status has no one to reach.
        }
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
