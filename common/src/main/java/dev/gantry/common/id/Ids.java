package dev.gantry.common.id;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Object ids: 64 lower-case hex characters (256 random bits), the form the kubelet and crictl expect. */
public final class Ids {

    public static final int LENGTH = 64;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String random() {
        byte[] bytes = new byte[LENGTH / 2];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** True for exactly 64 lower-case hex characters; ids become directory names, so nothing else is accepted. */
    public static boolean isValid(String id) {
        return id != null && id.length() == LENGTH && isLowerHex(id);
    }

    /** Returns {@code id} if valid, else throws INVALID_ARGUMENT naming {@code what} ("pod sandbox id"). */
    public static String requireValid(String id, String what) {
        if (!isValid(id)) {
            throw new InvalidIdException(what + " \"" + id + "\" is not 64 lower-case hex characters");
        }
        return id;
    }

    static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
