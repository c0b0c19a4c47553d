package dev.gantry.runtime.daemon;

import dev.gantry.runtime.metrics.CriCallMetrics;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Reports every CRI call to {@link CriCallMetrics}. An interceptor on the server, not a line in
 * {@code Unary}, because it is the one place that also sees the streaming RPCs, the methods answered
 * UNIMPLEMENTED by grpc-java's defaults, and codes set after the handler returned (the response size
 * limit). It must be the outermost interceptor for that: the server calls the last one added first.
 *
 * <p>The daemon's own warm-up calls ({@link ConnectionWarmUp}) are left out.
 *
 * <p>A call ends either by {@code close} (the code it was answered with) or by the client cancelling
 * it first (CANCELLED).
 */
public final class CriCallInterceptor implements ServerInterceptor {

    private final CriCallMetrics metrics;

    public CriCallInterceptor(CriCallMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (headers.containsKey(ConnectionWarmUp.MARK)) {
            return next.startCall(call, headers); // gantryd's own warm-up, not a client's call
        }
        CriCallMetrics.Call recorded = metrics.started(call.getMethodDescriptor().getBareMethodName());
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(new SimpleForwardingServerCall<>(call) {
                @Override
                public void close(Status status, Metadata trailers) {
                    recorded.ended(status.getCode().name());
                    super.close(status, trailers);
                }
            }, headers);
        } catch (RuntimeException e) {
            recorded.ended(Status.Code.UNKNOWN.name());
            throw e;
        }
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                recorded.ended(Status.Code.CANCELLED.name());
                super.onCancel();
            }
        };
    }
}
