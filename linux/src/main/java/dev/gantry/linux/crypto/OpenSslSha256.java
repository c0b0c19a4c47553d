package dev.gantry.linux.crypto;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * SHA-256 by libcrypto's EVP interface, which uses SHA-NI or AVX2 where the CPU has them. The
 * JDK's SHA-256 gets SHA-NI only from C2, and gantryd runs with C1 alone (see
 * {@code scripts/lib/gantryd-jvm.sh}), where it would hash a layer five times slower.
 *
 * <p>Input is copied into a native buffer and hashed a buffer at a time, so small updates (a tar
 * reader's 512-byte headers) cost no native call each. Not thread-safe, as no MessageDigest is.
 */
public final class OpenSslSha256 extends MessageDigest {

    private static final int BUFFER = 64 * 1024;
    private static final int LENGTH = 32;
    private static final Cleaner CLEANER = Cleaner.create();

    private final Pointer ctx;
    private final Memory buffer = new Memory(BUFFER);
    private final Memory sum = new Memory(64); // EVP_MAX_MD_SIZE
    private int buffered;

    /**
     * @throws IllegalStateException when the library is missing; see {@link #unavailableReason()}
     */
    public OpenSslSha256() {
        super("SHA-256");
        if (OpenSslNatives.LOAD_FAILURE.isPresent()) {
            throw new IllegalStateException(OpenSslNatives.LOAD_FAILURE.get());
        }
        Pointer made = OpenSslNatives.EVP_MD_CTX_new();
        if (made == null) {
            throw new OutOfMemoryError("EVP_MD_CTX_new");
        }
        ctx = made;
        CLEANER.register(this, () -> OpenSslNatives.EVP_MD_CTX_free(made));
        init();
    }

    /**
     * A SHA-256 digest: libcrypto's where it works here, the JDK's otherwise. The library is loaded
     * and checked at the first call, so a daemon that never hashes never loads it.
     */
    public static MessageDigest create() {
        if (unavailableReason().isEmpty()) {
            return new OpenSslSha256();
        }
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** Why libcrypto's SHA-256 is not used here (library absent, or a wrong answer to a known input); empty when it is. */
    public static Optional<String> unavailableReason() {
        return Check.UNAVAILABLE;
    }

    /** Loads the library and runs the self-test when first asked, once (class initialisation). */
    private static final class Check {
        static final Optional<String> UNAVAILABLE = OpenSslNatives.LOAD_FAILURE.isPresent() ? OpenSslNatives.LOAD_FAILURE : selfTest();

        private Check() {}
    }

    private static Optional<String> selfTest() {
        // FIPS 180-2, appendix B.1
        String expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        try {
            String got = HexFormat.of().formatHex(new OpenSslSha256().digest("abc".getBytes(StandardCharsets.US_ASCII)));
            return got.equals(expected) ? Optional.empty() : Optional.of("libcrypto's SHA-256 of \"abc\" is " + got + ", not " + expected);
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("libcrypto's SHA-256 failed: " + e);
        }
    }

    @Override
    protected int engineGetDigestLength() {
        return LENGTH;
    }

    @Override
    protected void engineUpdate(byte input) {
        if (buffered == BUFFER) {
            flush();
        }
        buffer.setByte(buffered++, input);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
        while (len > 0) {
            if (buffered == BUFFER) {
                flush();
            }
            int n = Math.min(len, BUFFER - buffered);
            buffer.write(buffered, input, offset, n);
            buffered += n;
            offset += n;
            len -= n;
        }
    }

    @Override
    protected void engineUpdate(ByteBuffer input) {
        if (!input.isDirect()) {
            super.engineUpdate(input); // through engineUpdate(byte[], int, int)
            return;
        }
        flush();
        int n = input.remaining();
        check(OpenSslNatives.EVP_DigestUpdate(ctx, Native.getDirectBufferPointer(input).share(input.position()), n), "EVP_DigestUpdate");
        input.position(input.limit());
    }

    @Override
    protected byte[] engineDigest() {
        flush();
        check(OpenSslNatives.EVP_DigestFinal_ex(ctx, sum, null), "EVP_DigestFinal_ex");
        init();
        return sum.getByteArray(0, LENGTH);
    }

    @Override
    protected void engineReset() {
        buffered = 0;
        init();
    }

    private void init() {
        check(OpenSslNatives.EVP_DigestInit_ex(ctx, OpenSslNatives.EVP_sha256(), null), "EVP_DigestInit_ex");
    }

    private void flush() {
        if (buffered > 0) {
            check(OpenSslNatives.EVP_DigestUpdate(ctx, buffer, buffered), "EVP_DigestUpdate");
            buffered = 0;
        }
    }

    private static void check(int ok, String call) {
        if (ok != 1) {
            throw new IllegalStateException(call + " failed");
        }
    }
}
