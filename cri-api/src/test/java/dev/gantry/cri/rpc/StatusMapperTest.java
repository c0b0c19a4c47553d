package dev.gantry.cri.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import io.grpc.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StatusMapperTest {

    /** The table in style.md (Errors), written out so a change to either side shows here. */
    private static final Map<ErrorKind, Status.Code> TABLE = Map.ofEntries(
            Map.entry(ErrorKind.INVALID_ARGUMENT, Status.Code.INVALID_ARGUMENT),
            Map.entry(ErrorKind.NOT_FOUND, Status.Code.NOT_FOUND),
            Map.entry(ErrorKind.ALREADY_EXISTS, Status.Code.ALREADY_EXISTS),
            Map.entry(ErrorKind.FAILED_PRECONDITION, Status.Code.FAILED_PRECONDITION),
            Map.entry(ErrorKind.UNAVAILABLE, Status.Code.UNAVAILABLE),
            Map.entry(ErrorKind.UNAUTHENTICATED, Status.Code.UNAUTHENTICATED),
            Map.entry(ErrorKind.PERMISSION_DENIED, Status.Code.PERMISSION_DENIED),
            Map.entry(ErrorKind.DATA_LOSS, Status.Code.DATA_LOSS),
            Map.entry(ErrorKind.RESOURCE_EXHAUSTED, Status.Code.RESOURCE_EXHAUSTED),
            Map.entry(ErrorKind.DEADLINE_EXCEEDED, Status.Code.DEADLINE_EXCEEDED),
            Map.entry(ErrorKind.CANCELLED, Status.Code.CANCELLED),
            Map.entry(ErrorKind.UNIMPLEMENTED, Status.Code.UNIMPLEMENTED),
            Map.entry(ErrorKind.INTERNAL, Status.Code.INTERNAL));

    @ParameterizedTest
    @EnumSource(ErrorKind.class)
    void toStatus_gantryException_usesTableCodeAndKeepsMessage(ErrorKind kind) {
        Status status = StatusMapper.toStatus(new GantryException(kind, "stop container abc: boom"), "StopContainer", "abc");

        assertThat(status.getCode()).isEqualTo(TABLE.get(kind));
        assertThat(status.getDescription()).isEqualTo("stop container abc: boom");
    }

    @Test
    void toStatus_wrappedGantryException_isUnwrapped() {
        var wrapped = new CompletionException(new GantryException(ErrorKind.NOT_FOUND, "container abc not found"));

        Status status = StatusMapper.toStatus(wrapped, "ContainerStatus", "abc");

        assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status.getDescription()).isEqualTo("container abc not found");
    }

    @Test
    void toStatus_unexpectedException_isInternalNamingRpcObjectAndCause() {
        Status status = StatusMapper.toStatus(new IllegalStateException("index out of step"), "ListContainers", "pod-1");

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription())
                .isEqualTo("ListContainers pod-1: internal error: index out of step");
        assertThat(StatusMapper.isUnexpected(new IllegalStateException())).isTrue();
    }

    @Test
    void toStatus_noObjectId_namesRpcOnly() {
        Status status = StatusMapper.toStatus(new NullPointerException(), "Version", "");

        assertThat(status.getDescription()).isEqualTo("Version: internal error: null reference");
    }

    @Test
    void toStatus_diskFull_isResourceExhausted() {
        var full = new UncheckedIOException(new FileSystemException("/var/lib/gantry/x", null, "No space left on device"));

        Status status = StatusMapper.toStatus(full, "PullImage", "busybox");

        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(StatusMapper.isUnexpected(full)).isFalse();
    }

    @Test
    void toStatus_otherIoException_isInternal() {
        Status status = StatusMapper.toStatus(new IOException("Broken pipe"), "Exec", "c1");

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).contains("Broken pipe");
    }

    @Test
    void toStatus_statusException_passesThrough() {
        Status status = StatusMapper.toStatus(Status.ABORTED.withDescription("busy").asRuntimeException(), "X", "");

        assertThat(status.getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(status.getDescription()).isEqualTo("busy");
    }

    @Test
    void toStatus_interrupted_isCancelled() {
        assertThat(StatusMapper.toStatus(new InterruptedException(), "Exec", "c1").getCode()).isEqualTo(Status.Code.CANCELLED);
    }

    @Test
    void toStatus_callerValueWithNewlineAndMegabytes_isEscapedAndCut() {
        String hostname = "a\nforged line" + "x".repeat(1 << 20);
        var status = StatusMapper.toStatus(new GantryException(ErrorKind.INVALID_ARGUMENT, "hostname \"" + hostname + "\" is not valid"),
                "RunPodSandbox", "");

        assertThat(status.getDescription()).startsWith("hostname \"a\\nforged line").doesNotContain("\n")
                .hasSizeLessThan(StatusMapper.MAX_DESCRIPTION + 64);
    }

    @Test
    void callerGone_deadlinePassed_isDeadlineExceededNamingTheCall() {
        Status status = StatusMapper.callerGone("ContainerStatus abc", true).getStatus();

        assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(status.getDescription()).isEqualTo("ContainerStatus abc: deadline passed before the work started");
    }

    @Test
    void callerGone_cancelled_isCancelledNamingTheCall() {
        Status status = StatusMapper.callerGone("ListContainers", false).getStatus();

        assertThat(status.getCode()).isEqualTo(Status.Code.CANCELLED);
        assertThat(status.getDescription()).isEqualTo("ListContainers: caller cancelled");
    }
}
