package dev.gantry.e2e.client;

import java.nio.charset.StandardCharsets;

/**
 * The names and numbers of the kubelet's streaming protocols (k8s.io/apimachinery
 * {@code pkg/util/remotecommand}, {@code pkg/util/httpstream}, {@code httpstream/wsstream};
 * k8s.io/api {@code core/v1} stream headers).
 */
public final class StreamProtocols {

    public static final String V5 = "v5.channel.k8s.io";
    public static final String V4 = "v4.channel.k8s.io";
    public static final String V3 = "v3.channel.k8s.io";
    public static final String V2 = "v2.channel.k8s.io";
    public static final String PORT_FORWARD = "portforward.k8s.io";

    /** The SPDY upgrade's protocol token, and the header that offers and answers a sub-protocol. */
    public static final String SPDY_UPGRADE = "SPDY/3.1";
    public static final String PROTOCOL_HEADER = "X-Stream-Protocol-Version";

    /** SPDY stream headers; SPDY/3 header names are lower case on the wire. */
    public static final String STREAM_TYPE = "streamtype";
    public static final String PORT = "port";
    public static final String REQUEST_ID = "requestid";

    public static final String ERROR = "error";
    public static final String STDIN = "stdin";
    public static final String STDOUT = "stdout";
    public static final String STDERR = "stderr";
    public static final String RESIZE = "resize";
    public static final String DATA = "data";

    /** WebSocket remotecommand channels, and v5's close signal {@code [255, channel]}. */
    public static final int CHANNEL_STDIN = 0;
    public static final int CHANNEL_STDOUT = 1;
    public static final int CHANNEL_STDERR = 2;
    public static final int CHANNEL_ERROR = 3;
    public static final int CHANNEL_RESIZE = 4;
    public static final int CHANNEL_CLOSE = 255;

    private StreamProtocols() {}

    /** The protocol's version number: 5 for v5.channel.k8s.io, 0 for anything else. */
    static int version(String protocol) {
        if (protocol != null && protocol.length() > 2 && protocol.charAt(0) == 'v' && protocol.endsWith(".channel.k8s.io")) {
            try {
                return Integer.parseInt(protocol.substring(1, protocol.indexOf('.')));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /** The resize message of v3 and later: client-go's JSON-encoded TerminalSize, a newline after it. */
    static byte[] resizeMessage(int width, int height) {
        if (width < 0 || width > 65535 || height < 0 || height > 65535) {
            throw new IllegalArgumentException("terminal size is two uint16s, got " + width + "x" + height);
        }
        return ("{\"Width\":" + width + ",\"Height\":" + height + "}\n").getBytes(StandardCharsets.US_ASCII);
    }
}
