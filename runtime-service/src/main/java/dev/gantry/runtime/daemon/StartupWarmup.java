package dev.gantry.runtime.daemon;

import dev.gantry.linux.inotify.Inotify;
import io.netty.util.NetUtil;
import io.netty.util.internal.PlatformDependent;

/**
 * Runs the slowest static initialisers the daemon will need (Netty's network and platform
 * probes, about 70 ms; JNA's native library and the inotify calls the exit watcher binds, about
 * 30 ms) on a second thread while the main thread parses the command line and the
 * configuration, instead of one after the other on the way to the first Version. The JVM
 * serialises class initialisation, so whichever thread comes second waits for the first; a
 * failure surfaces where the class is used, as it would anyway.
 */
final class StartupWarmup {

    private StartupWarmup() {}

    static void start() {
        Thread.ofPlatform().daemon().name("startup-warmup").start(StartupWarmup::initialise);
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
