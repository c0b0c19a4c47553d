package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.AttachRequest;
import dev.gantry.cri.v1.AttachResponse;
import dev.gantry.runtime.container.Container;
import dev.gantry.runtime.container.ContainerManager;
import dev.gantry.runtime.streaming.StreamRequest;
import dev.gantry.runtime.streaming.StreamUrls;

/** Attach: checks the request and the container, then hands back a single-use URL on the streaming server. */
public final class AttachRpc {

    private final ContainerManager containers;
    private final StreamUrls urls;

    public AttachRpc(ContainerManager containers, StreamUrls urls) {
        this.containers = containers;
        this.urls = urls;
    }

    AttachResponse handle(AttachRequest request) {
        StreamChecks.streams("Attach", request.getTty(), request.getStdin(), request.getStdout(), request.getStderr());
        Container c = StreamChecks.running("Attach", containers, request.getContainerId());
        String url = urls.urlFor(new StreamRequest.Attach(c.id(), request.getTty(), request.getStdin(), request.getStdout(),
                request.getStderr()));
        return AttachResponse.newBuilder().setUrl(url).build();
    }
}
