package dev.gantry.image;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.image.reference.ImageReference;

/**
 * Told of every image pull, start and end, so the daemon can count and time them (metrics) without
 * image-service knowing how. Called on the pulling thread: implementations return at once.
 */
public interface PullListener {

    /** Does nothing: the daemon without metrics. */
    PullListener NONE = reference -> Pull.NONE;

    /** A pull of {@code reference} begins; the returned handle is told how it ended, exactly once. */
    Pull started(ImageReference reference);

    /** One pull in progress. */
    interface Pull {

        Pull NONE = new Pull() {
            @Override
            public void succeeded(long bytes) {}

            @Override
            public void failed(ErrorKind kind) {}
        };

        /** @param bytes the image's size as its manifest gives it: config and compressed layers */
        void succeeded(long bytes);

        /** @param kind what went wrong, as the error the caller gets says */
        void failed(ErrorKind kind);
    }
}
