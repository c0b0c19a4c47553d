package dev.gantry.runtime.daemon;

import com.google.protobuf.MessageLite;
import dev.gantry.cri.rpc.StatusMapper;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Enforces {@code grpc.max_send_message_size}. grpc-java limits what a server receives but not
 * what it sends; a client with the kubelet's 16 MiB limit would fail an oversized response with an
 * opaque transport error, so we answer RESOURCE_EXHAUSTED naming the sizes instead. The size is
 * protobuf's memoized serialized size, which sending computes anyway.
 */
final class ResponseSizeLimit implements ServerInterceptor {

    private final int maxBytes;

    ResponseSizeLimit(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return next.startCall(new Limited<>(call), headers);
    }

    private final class Limited<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {

        // ServerCall methods are called serially by the handler, so no synchronization is needed.
        private boolean closed;

        Limited(ServerCall<Q, R> delegate) {
            super(delegate);
        }

        @Override
        public void sendMessage(R message) {
            if (closed) {
                return;
            }
            if (message instanceof MessageLite m && m.getSerializedSize() > maxBytes) {
                String rpc = getMethodDescriptor().getBareMethodName();
                close(StatusMapper.toStatus(new ResponseTooLargeException(rpc, m.getSerializedSize(), maxBytes), rpc, ""),
                        new Metadata());
                return;
            }
            super.sendMessage(message);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            if (!closed) {
                closed = true;
                super.close(status, trailers);
            }
        }
    }
}
