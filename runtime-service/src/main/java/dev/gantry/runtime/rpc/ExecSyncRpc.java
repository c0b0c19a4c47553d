package dev.gantry.runtime.rpc;

import com.google.protobuf.ByteString;
import dev.gantry.cri.rpc.InvalidRequestException;
import dev.gantry.cri.v1.ExecSyncRequest;
import dev.gantry.cri.v1.ExecSyncResponse;
import dev.gantry.runtime.exec.ExecResult;
import dev.gantry.runtime.exec.ExecSync;
import io.grpc.Context;
import java.time.Duration;

/**
 * ExecSync: the command's output and exit code. A timeout is DEADLINE_EXCEEDED, which the kubelet
 * reads as a timed-out probe (containerd answers the same; CRI-O answers exit code -1 instead).
 */
public final class ExecSyncRpc {

    private final ExecSync exec;

    public ExecSyncRpc(ExecSync exec) {
        this.exec = exec;
    }

    ExecSyncResponse handle(ExecSyncRequest request) throws InterruptedException {
        RequestChecks.id("ExecSync", "container_id", request.getContainerId());
        if (request.getCmdCount() == 0) {
            throw new InvalidRequestException("ExecSync in container " + request.getContainerId() + ": cmd is empty");
        }
        RequestChecks.noNul("ExecSync", "", request);
        Duration timeout = RequestChecks.timeout("ExecSync", "timeout", request.getTimeout());
        Context call = Context.current();
        ExecResult result = exec.run(request.getContainerId(), request.getCmdList(), timeout,
                call::isCancelled);
        return ExecSyncResponse.newBuilder()
                .setStdout(ByteString.copyFrom(result.stdout()))
                .setStderr(ByteString.copyFrom(result.stderr()))
                .setExitCode(result.exitCode())
                .build();
    }
}
