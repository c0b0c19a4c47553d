package dev.gantry.runtime.streaming;

/** What runs on a SPDY connection: remotecommand (exec, attach) or portforward. */
interface SpdyStreamHandler {

    /**
     * Called on the event loop for each new stream, before its SYN_REPLY.
     *
     * @return null to accept the stream, or why it is refused (it is then reset, the session goes on)
     */
    String accept(SpdyStream stream);
}
