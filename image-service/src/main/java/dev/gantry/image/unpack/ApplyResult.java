package dev.gantry.image.unpack;

/**
 * What one {@link LayerApplier#apply} did.
 *
 * @param entries tar entries applied (files, directories, links, devices, whiteouts), not counting
 *     the PAX and GNU headers that only describe them
 * @param bytes uncompressed bytes read from the stream, end-of-archive marker and trailing bytes included
 */
public record ApplyResult(long entries, long bytes) {}
