package dev.gantry.runtime.rpc;

import dev.gantry.cri.rpc.InvalidRequestException;
import dev.gantry.cri.v1.ExecRequest;
import dev.gantry.cri.v1.ExecResponse;
import dev.gantry.runtime.container.Container;
import dev.gantry.runtime.container.ContainerManager;
import dev.gantry.runtime.streaming.StreamRequest;
import dev.gantry.runtime.streaming.StreamUrls;

/** Exec: checks the request and the container, then hands back a single-use URL on the streaming server. */
public final class ExecRpc {

    private final ContainerManager containers;
    private final StreamUrls urls;

    public ExecRpc(ContainerManager containers, StreamUrls urls) {
        this.containers = containers;
        this.urls = urls;
    }

    ExecResponse handle(ExecRequest request) {
        if (request.getCmdCount() == 0) {
            throw new InvalidRequestException("Exec: cmd is empty");
        }
        RequestChecks.noNul("Exec", "", request);
        StreamChecks.streams("Exec", request.getTty(), request.getStdin(), request.getStdout(), request.getStderr());
        Container c = StreamChecks.running("Exec", containers, request.getContainerId());
        String url = urls.urlFor(new StreamRequest.Exec(c.id(), request.getCmdList(), request.getTty(), request.getStdin(),
                request.getStdout(), request.getStderr()));
        return ExecResponse.newBuilder().setUrl(url).build();
    }
}
