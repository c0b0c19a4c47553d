package dev.gantry.runtime.metrics;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Counts and times every CRI call, RuntimeService and ImageService alike, by method and final gRPC
 * code. An interceptor on the server, not a line in {@code Unary}, because it is the one place that
 * also sees the streaming RPCs, the methods answered UNIMPLEMENTED by grpc-java's defaults, and codes
 * set after the handler returned (the response size limit). It must be the outermost interceptor
 * for that: the server calls the last one added first.
 *
 * <p>A call ends either by {@code close} (the code it was answered with) or by the client cancelling
 * it first (CANCELLED); each call is recorded once. The duration of GetContainerEvents is the life of
 * its subscription.
 */
final class CriCallMetrics implements ServerInterceptor {

    /** From 1 ms (Version, List* from memory) to 2 min (a large pull, a slow create). */
    private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

    private final Counter requests;
    private final Histogram duration;
    private final LongSupplier nanoTime;

    CriCallMetrics(PrometheusRegistry registry, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.requests = Counter.builder()
                .name("gantry_cri_requests_total")
                .help("CRI calls answered, by method and gRPC status code")
                .labelNames("method", "code")
                .withoutExemplars()
                .register(registry);
        this.duration = Histogram.builder()
                .name("gantry_cri_request_duration_seconds")
                .help("Time from a CRI call's arrival to its answer, by method")
                .labelNames("method")
                .classicOnly()
                .classicUpperBounds(BUCKETS)
                .withoutExemplars()
                .register(registry);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        var observed = new ObservedCall<>(call, call.getMethodDescriptor().getBareMethodName(), nanoTime.getAsLong());
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(observed, headers);
        } catch (RuntimeException e) {
            observed.record(Status.Code.UNKNOWN);
            throw e;
        }
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                observed.record(Status.Code.CANCELLED);
                super.onCancel();
            }
        };
    }

    private final class ObservedCall<Q, R> extends SimpleForwardingServerCall<Q, R> {

        private final String method;
        private final long startNanos;
        private final AtomicBoolean recorded = new AtomicBoolean();

        ObservedCall(ServerCall<Q, R> call, String method, long startNanos) {
            super(call);
            this.method = method;
            this.startNanos = startNanos;
        }

        @Override
        public void close(Status status, Metadata trailers) {
            record(status.getCode());
            super.close(status, trailers);
        }

        void record(Status.Code code) {
            if (recorded.compareAndSet(false, true)) {
                requests.labelValues(method, code.name()).inc();
                duration.labelValues(method).observe((nanoTime.getAsLong() - startNanos) / 1e9);
            }
        }
    }
}
