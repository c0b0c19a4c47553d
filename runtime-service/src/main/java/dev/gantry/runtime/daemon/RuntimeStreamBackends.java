package dev.gantry.runtime.daemon;

import dev.gantry.runtime.attach.ContainerAttach;
import dev.gantry.runtime.exec.ExecSessions;
import dev.gantry.runtime.streaming.ProcessSession;
import dev.gantry.runtime.streaming.StreamBackends;
import dev.gantry.runtime.streaming.StreamRequest;
import dev.gantry.sandbox.PodPorts;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/** The runtime's three halves of the streaming server: exec through runc, attach through conmon, ports in the pod's netns. */
record RuntimeStreamBackends(ExecSessions execs, ContainerAttach attaches, PodPorts ports) implements StreamBackends {

    @Override
    public ProcessSession exec(StreamRequest.Exec request) throws IOException {
        return execs.open(request);
    }

    @Override
    public ProcessSession attach(StreamRequest.Attach request) throws IOException {
        return attaches.open(request);
    }

    @Override
    public SocketChannel connect(String podSandboxId, int port) throws IOException {
        return ports.connect(podSandboxId, port);
    }
}
