package dev.gantry.e2e.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A plain TCP connection to the streaming server for bad-input tests: send any request head or
 * bytes, read the status line and headers, tell whether the server closed the connection. No
 * protocol knowledge beyond {@link #upgradeRequest} and {@link #webSocketUpgradeRequest}, which build
 * correct upgrades a test may then break.
 */
public final class RawConnection implements AutoCloseable {

    /** A response head: the status code and the header lines as sent. */
    public record Head(int status, List<String> lines) {
        /** The first value of {@code name} (case-insensitive), or null. */
        public @Nullable String header(String name) {
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private final Socket socket;
    private final InputStream in;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    public static RawConnection open(URI url) throws IOException {
        Socket socket = new Socket(url.getHost(), url.getPort());
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        return new RawConnection(socket);
    }

    /** A correct SPDY upgrade request head for {@code url}, offering {@code protocols}. */
    public static String upgradeRequest(URI url, String... protocols) {
        StringBuilder head = new StringBuilder("POST " + SpdyUpgrade.pathAndQuery(url) + " HTTP/1.1\r\n")
                .append("Host: ").append(url.getHost()).append(':').append(url.getPort()).append("\r\n")
                .append("Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nContent-Length: 0\r\n");
        for (String protocol : protocols) {
            head.append(StreamProtocols.PROTOCOL_HEADER).append(": ").append(protocol).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    /** A correct WebSocket upgrade request head for {@code url} (a fixed key), offering {@code protocols}. */
    public static String webSocketUpgradeRequest(URI url, String... protocols) {
        return "GET " + SpdyUpgrade.pathAndQuery(url) + " HTTP/1.1\r\n"
                + "Host: " + url.getHost() + ":" + url.getPort() + "\r\n"
                + "Connection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + (protocols.length == 0 ? "" : "Sec-WebSocket-Protocol: " + String.join(", ", protocols) + "\r\n")
                + "\r\n";
    }

    public RawConnection send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawConnection send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /**
     * Reads a response head up to its empty line, byte by byte so nothing after it is consumed.
     * Null if the server closed the connection before a status line.
     */
    public @Nullable Head readHead() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        while (true) {
            int b;
            try {
                b = in.read();
            } catch (SocketException reset) {
                b = -1;
            }
            if (b < 0) {
                if (lines.isEmpty()) {
                    return null;
                }
                throw new IOException("connection closed inside the response head: " + lines);
            }
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
                line.reset();
                if (text.isEmpty()) {
                    break;
                }
                lines.add(text);
            } else {
                line.write(b);
            }
        }
        String[] status = lines.getFirst().split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: " + lines.getFirst());
        }
        return new Head(Integer.parseInt(status[1]), List.copyOf(lines.subList(1, lines.size())));
    }

    /**
     * Reads and discards until the server closes the connection (end of stream or reset): true; false
     * if it is still open after {@code timeout}.
     */
    public boolean closedWithin(Duration timeout) throws IOException {
        Instant giveUp = Instant.now().plus(timeout);
        byte[] sink = new byte[8192];
        socket.setSoTimeout(100);
        while (Instant.now().isBefore(giveUp)) {
            try {
                if (in.read(sink) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException stillOpen) {
                // keep waiting
            } catch (SocketException reset) {
                return true;
            }
        }
        return false;
    }

    /** Sends {@code bytes}, tolerating a server that closes the connection part way (that is often the point). */
    public boolean trySend(byte[] bytes) {
        try {
            send(bytes);
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
