package dev.gantry.runtime.daemon;

import com.fasterxml.jackson.databind.util.StdDateFormat;
import dev.gantry.linux.inotify.Inotify;
import io.netty.util.NetUtil;
import io.netty.util.internal.PlatformDependent;
import java.math.BigDecimal;

/**
 * Runs the slowest static initialisers the daemon will need on other threads while the main
 * thread sets up logging, parses the command line and the configuration, instead of one after the
 * other on the way to the first Version. The JVM serialises class initialisation, so whichever
 * thread comes second waits for the first; a failure surfaces where the class is used, as it
 * would anyway.
 */
final class StartupWarmup {

    private StartupWarmup() {}

    /**
     * Jackson's, before logging starts: nothing here logs. Its parsers' statics initialise
     * {@link BigDecimal}, whose static initialiser on JDK 25 squares 5 up to 5^65536 in the
     * interpreter, 15 to 25 ms; the first mapper's date format builds the JDK's calendar locale
     * data, 15 to 30 ms. The main thread needs the first at the configuration file and the second
     * at the network config.
     */
    static void startJson() {
        Thread.ofPlatform().daemon().name("startup-warmup-json").start(StartupWarmup::initialiseJson);
    }

    /**
     * Netty's network and platform probes (about 70 ms), JNA's native library and the inotify
     * calls the exit watcher binds (about 30 ms). Netty logs through SLF4J, so this starts once
     * logging has. Epoll's native library stays with the CRI server: loaded here first, it moved
     * the inotify binding later, to where it overlapped the main thread's first binding, and one
     * daemon start in a CI run failed to allocate the inotify calls' closures (JNA, libffi). JNA
     * bindings now take turns ({@link dev.gantry.linux.NativeBinding}), but that cause is likely,
     * not proven, so the order that never failed stays.
     */
    static void start() {
        Thread.ofPlatform().daemon().name("startup-warmup").start(StartupWarmup::initialise);
    }

    @SuppressWarnings("ReturnValueIgnored") // touching the fields is the point
    private static void initialiseJson() {
        try {
            BigDecimal.ONE.signum();
            StdDateFormat.instance.getTimeZone();
        } catch (RuntimeException | LinkageError e) {
            // The main thread meets the same failure where it uses the class, with its context.
        }
    }

    @SuppressWarnings("ReturnValueIgnored") // touching the fields is the point
    private static void initialise() {
        try {
            NetUtil.LOCALHOST.getAddress();
            PlatformDependent.directBufferPreferred();
            Inotify.bindNatives();
        } catch (RuntimeException | LinkageError e) {
            // The main thread meets the same failure where it uses the class, with its context.
        }
    }
}
