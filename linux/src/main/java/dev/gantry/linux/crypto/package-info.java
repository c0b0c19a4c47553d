/**
 * SHA-256 through OpenSSL's libcrypto (JNA): the digests of image layers at SHA-NI speed whatever
 * the JIT does with Java code, behind {@link java.security.MessageDigest}, with the JDK's own as the
 * fallback where the library is absent or fails its self-test.
 */
package dev.gantry.linux.crypto;
