package dev.gantry.e2e.client;

import java.io.IOException;

/** The streaming server answered the upgrade request with something other than 101 Switching Protocols. */
public final class UpgradeRefusedException extends IOException {

    private final int status;
    private final String body;

    public UpgradeRefusedException(String url, int status, String body) {
        super("upgrade of " + url + " refused with HTTP " + status + (body.isBlank() ? "" : ": " + body.strip()));
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }
}
