package dev.gantry.image.unpack;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/**
 * A layer that must not be applied: an entry would land outside the snapshot, a hardlink points
 * outside this layer, or the archive is malformed. The snapshot being built is to be discarded.
 */
public final class LayerRejectedException extends GantryException {

    LayerRejectedException(String entry, String reason) {
        super(ErrorKind.INVALID_ARGUMENT, "apply layer entry \"" + EntryNames.shown(entry) + "\": refused, " + reason);
    }

    /** The archive itself is broken, before any one entry can be named. */
    LayerRejectedException(String reason) {
        super(ErrorKind.INVALID_ARGUMENT, "read layer archive: " + reason);
    }
}
