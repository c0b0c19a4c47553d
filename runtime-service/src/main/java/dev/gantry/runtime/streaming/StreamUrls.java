package dev.gantry.runtime.streaming;

/** Issues the URL, with its single-use token, that an Exec, Attach or PortForward call returns. */
public interface StreamUrls {

    String urlFor(StreamRequest request);
}
