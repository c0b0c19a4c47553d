/** Unpacked layers by chain ID, each an overlayfs lower dir, published by rename. Depends on reference and common.fs. */
package dev.gantry.image.snapshot;
