package dev.gantry.runtime.daemon;

import dev.gantry.common.errors.GantryException;
import dev.gantry.common.fs.Directories;
import dev.gantry.linux.socket.SystemdNotify;
import dev.gantry.runtime.metrics.Metrics;
import dev.gantry.runtime.metrics.MetricsServer;
import io.grpc.ServerInterceptor;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * One run of the daemon: configuration, the root and state locks, the socket check, then recovery
 * and serving until SIGTERM or SIGINT. A clean stop exits 0; a configuration that cannot be used
 * exits 2 before anything is touched; another daemon on our root, state dir or socket, or any other
 * failure to start, exits 1; the refusals come before recovery or cleanup has touched anything.
 * SIGHUP reloads the configuration ({@link ConfigReload}) and never stops the daemon.
 */
final class Daemon {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_CONFIG = 2;

    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    /** Left to the calls of a kubelet or crictl that connects as soon as the socket exists. */
    private static final Duration WARM_UP_DELAY = Duration.ofMillis(500);

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** Set once serving; a SIGHUP before that has nothing to reload into. */
    private final AtomicReference<ConfigReload> reload = new AtomicReference<>();
    /** Where systemd listens for our state (a Type=notify unit); empty when it did not start us. */
    private final Optional<SystemdNotify> systemd = SystemdNotify.fromEnvironment();
    /** What the unit's status line says once serving. */
    private volatile String serving = "starting";

    int serve(DaemonOptions options) {
        LoadedConfig loaded;
        Supplier<LoadedConfig> reread = () -> new ConfigLoader().load(options.configFile(), options.flags());
        try {
            loaded = reread.get();
        } catch (ConfigException e) {
            log.error("configuration error: {}", e.getMessage());
            return EXIT_CONFIG;
        }
        GantryConfig config = loaded.config();
        LogSetup.setLevel(config.logLevel());

        // Our own handlers, not a shutdown hook (the JVM would exit 143 after one), installed
        // before anything is created so a SIGTERM that arrives while we start still ends in an
        // orderly stop that removes what was made.
        Signal.handle(new Signal("TERM"), signal -> stopRequested.countDown());
        Signal.handle(new Signal("INT"), signal -> stopRequested.countDown());
        // The JVM's default for SIGHUP is to exit 129; operators send it to reload, as to CRI-O.
        try {
            Signal.handle(new Signal("HUP"), signal -> onHangup());
        } catch (IllegalArgumentException e) {
            log.warn("SIGHUP cannot be handled ({}): the configuration cannot be reloaded without a restart", e.getMessage());
        }

        List<DaemonLock> locks = new ArrayList<>();
        CriServer server = null;
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Directories.create(config.root(), "rwx--x--x");
            Directories.create(config.state(), "rwx--x--x");
            String served = "unix://" + config.grpc().socket();
            locks.add(DaemonLock.acquire(config.root(), "root directory", served));
            if (!Files.isSameFile(config.root(), config.state())) {
                locks.add(DaemonLock.acquire(config.state(), "state directory", served));
            }
            // Recovery and GC below change records, mounts and layers: a daemon that may not serve
            // this socket must be refused before them (the server checks again when it binds).
            SocketFile.prepare(config.grpc().socket());
            // Metrics off: none of their classes load and no listener does any work.
            Optional<Metrics> metrics = config.metrics().address().map(address -> Metrics.create());
            Wiring.Services services = Wiring.services(loaded, metrics, reread);
            resources = new ArrayList<>(services.resources());
            // Bound before the CRI socket: a taken port stops the daemon before the kubelet sees it.
            if (metrics.isPresent()) {
                MetricsServer scraped = metrics.get().serve(config.metrics().address().get());
                resources.add(scraped);
                log.info("serving metrics on http://{}:{}/metrics", scraped.address().getHostString(), scraped.address().getPort());
            }
            server = CriServer.start(config.grpc(), services.grpc(),
                    metrics.map(m -> List.<ServerInterceptor>of(new CriCallInterceptor(m.criCalls()))).orElse(List.of()),
                    services.started());
            reload.set(services.reload());
        } catch (GantryException e) {
            log.error("gantryd cannot start: {}", e.getMessage());
            closeAll(server, resources, locks);
            return EXIT_FAILED;
        } catch (IOException | RuntimeException e) {
            log.error("gantryd cannot start: {}", e.toString(), e);
            closeAll(server, resources, locks);
            return EXIT_FAILED;
        }

        final CriServer running = server;
        ConnectionWarmUp warmUp = ConnectionWarmUp.start(config.grpc().socket(), config.grpc().warmUpConnections(), WARM_UP_DELAY);
        resources.add(warmUp); // the exit hook closes it too; a second close is harmless
        final List<AutoCloseable> opened = resources;
        final List<DaemonLock> held = List.copyOf(locks);
        // Still remove the socket if the JVM ends some other way (System.exit elsewhere).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(running, opened, held), "gantryd-exit"));
        log.info("gantryd {} serving CRI v1 on unix://{} (config: {}, root {}, state {})",
                BuildInfo.version(), config.grpc().socket(), loaded.source(), config.root(), config.state());
        serving = "serving CRI v1 on unix://" + config.grpc().socket();
        notifySystemd(n -> n.ready(serving));

        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        warmUp.close();
        log.info("stopping: finishing calls in flight (up to {} ms)", config.grpc().shutdownTimeout().toMillis());
        notifySystemd(SystemdNotify::stopping);
        stop(running, opened, held);
        log.info("stopped");
        return EXIT_OK;
    }

    /** Runs on the JVM's signal thread; whatever happens, the daemon keeps serving. */
    private void onHangup() {
        ConfigReload current = reload.get();
        if (current == null) {
            log.warn("SIGHUP while starting: ignored, the configuration was just read");
            return;
        }
        log.info("SIGHUP: reloading the configuration");
        notifySystemd(SystemdNotify::reloading);
        try {
            current.reload();
        } catch (RuntimeException e) {
            log.error("configuration reload failed, still running with the configuration in force: {}", e.toString(), e);
        }
        notifySystemd(n -> n.ready(serving));
    }

    /** Tells systemd (a Type=notify unit) what gantryd does now; nothing when not started by it. */
    private void notifySystemd(NotifyStep step) {
        systemd.ifPresent(notify -> {
            try {
                step.send(notify);
            } catch (IOException e) {
                log.warn("cannot notify systemd ({}): {}", notify, e.getMessage());
            }
        });
    }

    @FunctionalInterface
    private interface NotifyStep {
        void send(SystemdNotify notify) throws IOException;
    }

    private void stop(@Nullable CriServer server, List<AutoCloseable> resources, List<DaemonLock> locks) {
        if (stopped.compareAndSet(false, true)) {
            closeAll(server, resources, locks);
        }
    }

    /** The server first (calls in flight finish), then what it used, then the locks that let another daemon start. */
    private static void closeAll(@Nullable CriServer server, List<AutoCloseable> resources, List<DaemonLock> locks) {
        closeQuietly(server);
        closeQuietly(resources.toArray(AutoCloseable[]::new));
        closeQuietly(locks.toArray(AutoCloseable[]::new));
    }

    private static void closeQuietly(@Nullable AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("stopping {}: {}", resource.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
