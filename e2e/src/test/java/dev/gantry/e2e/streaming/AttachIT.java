package dev.gantry.e2e.streaming;

import static dev.gantry.e2e.streaming.StreamingNode.STATUS_WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gantry.cri.v1.ContainerState;
import dev.gantry.e2e.client.ExecOptions;
import dev.gantry.e2e.client.ExitStatus;
import dev.gantry.e2e.client.StreamSession;
import dev.gantry.e2e.client.Transport;
import dev.gantry.e2e.harness.TestNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Attach to a container's main process, as kubectl attach does (and kubectl run -i). */
class AttachIT {

    @RegisterExtension
    @Order(1)
    final TestNode env = TestNode.containers();

    @RegisterExtension
    @Order(2)
    final StreamingNode node = new StreamingNode(env);

    @ParameterizedTest
    @EnumSource(Transport.class)
    void attach_toShellWithTty_runsWhatIsTyped_andDetachingLeavesItRunning(Transport transport) throws Exception {
        String id = node.start().container("main", c -> c.setStdin(true).setTty(true), "sh");
        ExecOptions options = ExecOptions.over(transport).withStdin().withStdout().withTty();

        try (StreamSession session = node.streams().attach(env.client().attach(id, options), options)) {
            session.resize(100, 30);
            // the terminal echoes what is typed; only the shell's answer contains "42x"
            session.stdin().write("echo $((6*7))x\n".getBytes(StandardCharsets.UTF_8));
            StreamingNode.readUntil(session.stdout(), "42x");
        }

        assertEquals(ContainerState.CONTAINER_RUNNING, node.calls().status(id).getState(), "detach must not end the container");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void attach_withStdinOnce_endOfInputEndsTheContainer(Transport transport) throws Exception {
        String id = node.start().container("main", c -> c.setStdin(true).setStdinOnce(true), "cat");
        ExecOptions options = ExecOptions.over(transport).withStdin().withStdout().withStderr();

        try (StreamSession session = node.streams().attach(env.client().attach(id, options), options)) {
            session.stdin().write("hello\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("hello\n", new String(StreamingNode.readExactly(session.stdout(), 6), StandardCharsets.UTF_8));
            session.stdin().close();

            assertEquals(new ExitStatus.Exited(0), session.awaitStatus(STATUS_WAIT));
        }
        assertEquals(0, node.calls().awaitExit(id).getExitCode(), "cat ends at the end of its only stdin");
    }
}
