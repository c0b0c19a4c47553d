package dev.gantry.cni.exec;

import dev.gantry.common.io.BlockingIo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A launcher with the JDK alone: ProcessBuilder, output drained on platform threads (pipe reads pin
 * a carrier), killed at the deadline. This module's own tests run plugins through it; gantryd uses
 * the sandbox module's {@code PluginSpawner}, which starts them for about half the CPU.
 */
public final class ProcessBuilderLauncher implements ProcessLauncher {

    @Override
    public Output run(Path binary, Map<String, String> env, byte[] stdin, Duration timeout) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(List.of(binary.toString()));
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            // Drain both pipes while writing stdin, so a plugin that writes a lot before reading cannot deadlock us.
            CompletableFuture<byte[]> stdout = drain(process.getInputStream());
            CompletableFuture<byte[]> stderr = drain(process.getErrorStream());
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin);
            } catch (IOException e) {
                // The plugin may exit without reading stdin (a usage error); its exit status tells the story.
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(binary + " did not finish within " + timeout.toSeconds() + " s; killed");
            }
            return new Output(process.exitValue(), stdout.get(), stderr.get());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(binary + " interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = Objects.requireNonNull(e.getCause(), "cause");
            throw new IOException(binary + ": cannot read output: " + cause.getMessage(), cause);
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        CompletableFuture<byte[]> future = new CompletableFuture<>();
        BlockingIo.thread("cni-drain").start(() -> {
            try (stream) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                stream.transferTo(buffer);
                future.complete(buffer.toByteArray());
            } catch (IOException e) {
                future.completeExceptionally(new UncheckedIOException(e));
            }
        });
        return future;
    }
}
