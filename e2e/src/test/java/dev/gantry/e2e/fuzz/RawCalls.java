package dev.gantry.e2e.fuzz;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * CRI calls made with bytes rather than messages, so a request need not parse: any method of either
 * service, unary or server-streaming (read to its end), answered with the status and the response.
 */
final class RawCalls {

    /** What a call ended with; {@code response} is the last message, empty when there was none. */
    record Outcome(Status.Code code, String message, byte[] response) {}

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private RawCalls() {}

    static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> method) {
        return method.toBuilder(BYTES, BYTES).build();
    }

    static Outcome call(Channel channel, MethodDescriptor<byte[], byte[]> method, byte[] request, Duration deadline) {
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
        try {
            if (method.getType() == MethodDescriptor.MethodType.UNARY) {
                return new Outcome(Status.Code.OK, "", ClientCalls.blockingUnaryCall(channel, method, options, request));
            }
            byte[] last = new byte[0];
            Iterator<byte[]> responses = ClientCalls.blockingServerStreamingCall(channel, method, options, request);
            while (responses.hasNext()) {
                last = responses.next();
            }
            return new Outcome(Status.Code.OK, "", last);
        } catch (StatusRuntimeException e) {
            String message = e.getStatus().getDescription();
            return new Outcome(e.getStatus().getCode(), message == null ? "" : message, new byte[0]);
        }
    }
}
