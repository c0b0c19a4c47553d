package dev.gantry.sandbox.net;

/**
 * Told of every CNI ADD and DEL chain a pod's attach or detach runs, so the daemon can time them and
 * count failures (metrics) without the sandbox module knowing how. Called on the calling thread:
 * implementations return at once.
 */
public interface NetworkListener {

    /** Does nothing: the daemon without metrics. */
    NetworkListener NONE = operation -> Call.NONE;

    /** The CNI commands a pod's network goes through. */
    enum Operation { ADD, DEL }

    /** A chain of {@code operation} begins; the returned handle is told how it ended, exactly once. */
    Call started(Operation operation);

    /** One chain in progress. */
    interface Call {

        Call NONE = new Call() {
            @Override
            public void succeeded() {}

            @Override
            public void failed() {}
        };

        void succeeded();

        void failed();
    }
}
