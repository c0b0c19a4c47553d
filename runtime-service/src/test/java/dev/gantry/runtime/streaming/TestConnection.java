package dev.gantry.runtime.streaming;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A raw client connection for the server tests: the HTTP upgrade by hand, then WebSocket frames
 * by hand (RFC 6455: client frames masked), so the tests check the bytes on the wire.
 */
final class TestConnection implements AutoCloseable {

    record Response(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.getFirst();
        }
    }

    record WsFrame(boolean fin, int opcode, byte[] payload) {
    }

    final Socket socket;
    final InputStream in;
    final OutputStream out;
    private final SecureRandom random = new SecureRandom();

    TestConnection(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000); // only so a broken server fails the test instead of hanging it
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    Response request(String method, String path, Map<String, List<String>> headers) throws IOException {
        StringBuilder sb = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        headers.forEach((k, vs) -> vs.forEach(v -> sb.append(k).append(": ").append(v).append("\r\n")));
        sb.append("\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return readResponse();
    }

    Response spdyUpgrade(String path, String... protocols) throws IOException {
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("Connection", List.of("Upgrade"));
        h.put("Upgrade", List.of("SPDY/3.1"));
        if (protocols.length > 0) {
            h.put("X-Stream-Protocol-Version", List.of(protocols));
        }
        h.put("Content-Length", List.of("0"));
        return request("POST", path, h);
    }

    Response wsUpgrade(String path, String... protocols) throws IOException {
        byte[] key = new byte[16];
        random.nextBytes(key);
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("Connection", List.of("Upgrade"));
        h.put("Upgrade", List.of("websocket"));
        h.put("Sec-WebSocket-Version", List.of("13"));
        h.put("Sec-WebSocket-Key", List.of(Base64.getEncoder().encodeToString(key)));
        if (protocols.length > 0) {
            h.put("Sec-WebSocket-Protocol", List.of(String.join(", ", protocols)));
        }
        return request("GET", path, h);
    }

    private Response readResponse() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the response head: " + head);
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        String[] lines = head.toString(StandardCharsets.US_ASCII).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        String body = "";
        List<String> length = headers.get("content-length");
        if (status != 101 && length != null) {
            body = new String(in.readNBytes(Integer.parseInt(length.getFirst())), StandardCharsets.UTF_8);
        }
        return new Response(status, headers, body);
    }

    void wsSend(int opcode, boolean fin, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | opcode);
        int len = payload.length;
        if (len < 126) {
            f.write(0x80 | len);
        } else if (len < 65536) {
            f.write(0x80 | 126);
            f.write(len >> 8);
            f.write(len);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) ((long) len >> (8 * i)));
            }
        }
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        f.write(mask);
        for (int i = 0; i < len; i++) {
            f.write(payload[i] ^ mask[i & 3]);
        }
        out.write(f.toByteArray());
        out.flush();
    }

    void wsBinary(byte... payload) throws IOException {
        wsSend(2, true, payload);
    }

    /** The next frame from the server (unmasked, as RFC 6455 requires of servers). */
    WsFrame wsRead() throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int b1 = in.read();
        if ((b1 & 0x80) != 0) {
            throw new IOException("the server masked a frame");
        }
        long len = b1 & 0x7f;
        if (len == 126) {
            len = ((in.read() & 0xff) << 8) | (in.read() & 0xff);
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | (in.read() & 0xff);
            }
        }
        return new WsFrame((b0 & 0x80) != 0, b0 & 0x0f, in.readNBytes((int) len));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
