package dev.gantry.linux.crypto;

import com.sun.jna.Pointer;
import dev.gantry.linux.OptionalLibrary;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The EVP digest calls of libcrypto (OpenSSL 1.1 and 3: the same names and signatures). */
final class OpenSslNatives {

    /** The runtime package (libssl3, libssl3t64) ships only the versioned names. */
    private static final List<String> NAMES = List.of("libcrypto.so.3", "libcrypto.so.1.1", "crypto");

    /** Why the library cannot be used; empty when it loaded. */
    static final Optional<String> LOAD_FAILURE =
            OptionalLibrary.register(OpenSslNatives.class, NAMES, "libcrypto.so.3 not found (Debian package libssl3)");

    private OpenSslNatives() {}

    static native Pointer EVP_sha256();

    static native Pointer EVP_MD_CTX_new();

    static native void EVP_MD_CTX_free(Pointer ctx);

    static native int EVP_DigestInit_ex(Pointer ctx, Pointer type, @Nullable Pointer engine);

    static native int EVP_DigestUpdate(Pointer ctx, Pointer data, long count);

    static native int EVP_DigestFinal_ex(Pointer ctx, Pointer md, @Nullable Pointer size);
}
