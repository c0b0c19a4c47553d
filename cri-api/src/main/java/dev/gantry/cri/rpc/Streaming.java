package dev.gantry.cri.rpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the body of a server-streaming List RPC (StreamImages, StreamContainers, ...): the body
 * produces the whole list, which is sent in batches so no single message nears the size limit.
 * Failures become a status through {@link StatusMapper}, as in {@link Unary}.
 */
public final class Streaming {

    private static final Logger log = LoggerFactory.getLogger(Streaming.class);

    private Streaming() {}

    /**
     * @param batch how many items one response message carries
     * @param wrap builds one response message from a batch
     */
    public static <I, T> void call(String rpc, StreamObserver<T> observer, int batch, Callable<List<I>> body, Function<List<I>, T> wrap) {
        long start = System.nanoTime();
        try {
            Unary.checkCallerStillWaiting(rpc);
            List<I> items = body.call();
            for (int from = 0; from < items.size(); from += batch) {
                observer.onNext(wrap.apply(items.subList(from, Math.min(items.size(), from + batch))));
            }
            observer.onCompleted();
            if (log.isDebugEnabled()) {
                log.debug("{} ok: {} items in {} ms", rpc, items.size(), (System.nanoTime() - start) / 1_000_000);
            }
        } catch (StatusRuntimeException gone) {
            if (gone.getStatus().getCode() == Status.Code.CANCELLED) {
                log.debug("{}: caller went away: {}", rpc, gone.getStatus());
                return;
            }
            fail(rpc, observer, gone);
        } catch (Throwable failure) {
            fail(rpc, observer, failure);
        }
    }

    private static <T> void fail(String rpc, StreamObserver<T> observer, Throwable failure) {
        Status status = StatusMapper.toStatus(failure, rpc, "");
        log.warn("{} failed: {} {}", rpc, status.getCode(), status.getDescription());
        try {
            observer.onError(status.asRuntimeException());
        } catch (StatusRuntimeException | IllegalStateException alreadyClosed) {
            // nobody left to tell
        }
    }
}
