/**
 * Intel's ISA-L (libisal2) inflate through JNA: DEFLATE decoding several times faster than zlib on
 * compressible layers, behind {@link dev.gantry.common.io.RawInflater}, used only when the library is
 * installed and passes a self-test at first use.
 */
package dev.gantry.linux.isal;
