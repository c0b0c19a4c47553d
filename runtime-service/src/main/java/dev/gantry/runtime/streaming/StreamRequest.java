package dev.gantry.runtime.streaming;

import java.util.List;
import java.util.Objects;

/**
 * What one Exec, Attach or PortForward call asked for, kept behind a single-use token until the
 * client comes to the streaming server with it. The server takes the options from here, never from
 * the URL's query, as the kubelet's own streaming server does.
 */
public sealed interface StreamRequest {

    /** The container (Exec, Attach) or pod sandbox (PortForward) the stream reaches. */
    String target();

    /** Run {@code command} in a running container. With a terminal, stderr is merged into stdout. */
    record Exec(String containerId, List<String> command, boolean tty, boolean stdin, boolean stdout, boolean stderr)
            implements StreamRequest {
        public Exec {
            Objects.requireNonNull(containerId, "containerId");
            command = List.copyOf(command);
        }

        @Override
        public String target() {
            return containerId;
        }
    }

    /** Join the streams of a running container's main process. */
    record Attach(String containerId, boolean tty, boolean stdin, boolean stdout, boolean stderr) implements StreamRequest {
        public Attach {
            Objects.requireNonNull(containerId, "containerId");
        }

        @Override
        public String target() {
            return containerId;
        }
    }

    /** Forward TCP connections to ports on the pod's loopback; an empty list lets the client name them. */
    record PortForward(String podSandboxId, List<Integer> ports) implements StreamRequest {
        public PortForward {
            Objects.requireNonNull(podSandboxId, "podSandboxId");
            ports = List.copyOf(ports);
        }

        @Override
        public String target() {
            return podSandboxId;
        }
    }
}
