/** Byte plumbing: native sources read on platform threads ({@link dev.gantry.common.io.BlockingIo}), readers on virtual threads. */
package dev.gantry.common.io;
