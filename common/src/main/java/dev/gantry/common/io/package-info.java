/** Byte plumbing between native sources read on platform threads and readers on virtual threads. */
package dev.gantry.common.io;
