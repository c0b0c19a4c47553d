/**
 * Layer unpacking: {@link dev.gantry.image.unpack.Decompression} opens a layer blob by its media
 * type, {@link dev.gantry.image.unpack.LayerApplier} writes the tar stream into an empty snapshot
 * directory as an overlayfs layer (whiteouts as 0:0 devices, opaque dirs as an xattr), confined to
 * that directory whatever the archive says. Everything else here is package-private.
 */
package dev.gantry.image.unpack;
