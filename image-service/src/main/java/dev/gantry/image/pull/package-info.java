/** One pull from reference to image record: registry, unpack, snapshot, in one pass per layer (layer blobs are verified, not kept). Depends on registry, content, unpack, snapshot, gc, oci. */
package dev.gantry.image.pull;
