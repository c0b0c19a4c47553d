package dev.gantry.runtime.streaming;

import java.util.Optional;

/** What runs on a SPDY connection: remotecommand (exec, attach) or portforward. */
interface SpdyStreamHandler {

    /**
     * Called on the event loop for each new stream, before its SYN_REPLY.
     *
     * @return empty to accept the stream, or why it is refused (it is then reset, the session goes on)
     */
    Optional<String> accept(SpdyStream stream);
}
