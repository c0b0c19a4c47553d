package dev.gantry.runtime.daemon;

import com.fasterxml.jackson.databind.util.StdDateFormat;
import dev.gantry.linux.inotify.Inotify;
import io.netty.util.NetUtil;
import io.netty.util.internal.PlatformDependent;
import java.math.BigDecimal;
import java.util.List;

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
        initialiseConnectionClasses();
    }

    /**
     * The static initialisers the first connection runs otherwise, a fifth of its 40 ms of event
     * loop CPU on this VM's 2 cores: the class-data cache holds these classes loaded and linked but
     * not initialised. Netty's errno strings ({@code Errors} asks the C library for every errno),
     * the HPACK tables, HTTP/2's and gRPC's handlers. Nothing else uses them before the socket is
     * bound; leaves first, so no initialiser here waits on one that another thread has begun.
     */
    private static void initialiseConnectionClasses() {
        ClassLoader loader = StartupWarmup.class.getClassLoader();
        for (String name : CONNECTION_CLASSES) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
                // A library version without that class, or an initialiser that fails: the first
                // connection meets it as it would have without this.
            }
        }
    }

    private static final List<String> CONNECTION_CLASSES = List.of(
            "io.netty.channel.unix.Errors",
            "io.netty.handler.codec.http2.HpackStaticTable",
            "io.netty.handler.codec.http2.HpackHuffmanDecoder",
            "io.netty.handler.codec.http2.Http2CodecUtil",
            "io.netty.handler.codec.http2.DefaultHttp2FrameWriter",
            "io.netty.handler.codec.http2.Http2ConnectionHandler",
            "com.google.protobuf.Utf8",
            "io.perfmark.PerfMark",
            "io.grpc.Context$LazyStorage",
            "io.grpc.netty.TcpMetrics",
            "io.grpc.netty.NettyClientHandler",
            "io.grpc.netty.NettyServerHandler",
            "io.grpc.netty.NettyServerTransport",
            "io.grpc.InternalTcpMetrics",
            "io.grpc.internal.SerializingExecutor",
            "io.netty.channel.epoll.EpollChannelOption",
            "io.netty.util.ReferenceCountUtil",
            "com.google.common.util.concurrent.AbstractFutureState");
}
