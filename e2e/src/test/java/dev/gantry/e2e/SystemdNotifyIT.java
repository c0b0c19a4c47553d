package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.harness.GantryDaemon;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * gantryd started as a systemd {@code Type=notify} unit starts it: with {@code NOTIFY_SOCKET}
 * naming a datagram socket, which this test binds as systemd would, and reads what arrives.
 */
class SystemdNotifyIT {

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private EventLoopGroup group;
    private Channel channel;
    private Path dir;

    @BeforeEach
    void listen() throws Exception {
        dir = Files.createTempDirectory("gantry-notify-");
        group = new EpollEventLoopGroup(1);
        channel = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
                        received.add(packet.content().toString(StandardCharsets.UTF_8));
                    }
                })
                .bind(new DomainSocketAddress(dir.resolve("notify").toString())).sync().channel();
    }

    @AfterEach
    void close() throws Exception {
        channel.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        Files.deleteIfExists(dir.resolve("notify"));
        Files.deleteIfExists(dir);
    }

    @Test
    void notifySocket_readyOnceServing_reloadingAroundSighup_stoppingAtSigterm() throws Exception {
        try (GantryDaemon daemon = GantryDaemon.create().withEnv("NOTIFY_SOCKET", dir.resolve("notify").toString())) {
            daemon.start();

            String ready = next();
            assertThat(ready).isEqualTo("READY=1\nSTATUS=serving CRI v1 on unix://" + daemon.socket());
            try (CriClient client = daemon.client()) { // READY=1 came once the socket serves
                assertThat(client.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName()).isEqualTo("gantry");
            }

            Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(daemon.pid())).start();
            assertThat(hup.waitFor()).isZero();
            assertThat(next()).startsWith("RELOADING=1\nMONOTONIC_USEC=");
            assertThat(next()).isEqualTo(ready);

            assertThat(daemon.stop()).isZero();
            assertThat(next()).isEqualTo("STOPPING=1\nSTATUS=stopping");
        }
    }

    private String next() throws InterruptedException {
        String message = received.poll(60, TimeUnit.SECONDS);
        assertThat(message).as("a notification within 60 s").isNotNull();
        return message;
    }
}
