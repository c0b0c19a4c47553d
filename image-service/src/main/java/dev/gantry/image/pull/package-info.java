/** One pull from reference to image record: registry, ingest, unpack, snapshot, in one pass per layer. Depends on registry, content, unpack, snapshot, gc, oci. */
package dev.gantry.image.pull;
