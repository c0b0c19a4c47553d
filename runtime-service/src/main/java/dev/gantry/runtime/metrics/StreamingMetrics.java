package dev.gantry.runtime.metrics;

/**
 * What the streaming server reports of its sessions (one Exec, Attach or PortForward connection after
 * its upgrade). Every {@link #sessionOpened} is followed by exactly one {@link #sessionClosed} of the
 * same kind, whether the session ended cleanly or not. Calls return at once.
 */
public interface StreamingMetrics {

    /** Counts nothing: the daemon without metrics, and tests. */
    StreamingMetrics NOOP = new StreamingMetrics() {
        @Override
        public void sessionOpened(Kind kind) {}

        @Override
        public void sessionClosed(Kind kind) {}
    };

    /** The kinds of streaming session, as the {@code kind} label spells them. */
    enum Kind {
        EXEC("exec"), ATTACH("attach"), PORT_FORWARD("portforward");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    void sessionOpened(Kind kind);

    void sessionClosed(Kind kind);
}
