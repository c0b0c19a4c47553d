package dev.gantry.linux;

import com.sun.jna.NativeLibrary;
import java.util.List;
import java.util.Optional;

/**
 * Binds a class's native methods to a library the node may lack (ISA-L, libcrypto), trying its
 * names in order: runtime packages ship only the versioned name, -dev packages the bare one.
 */
public final class OptionalLibrary {

    private OptionalLibrary() {}

    /**
     * @param missing what to say when no name loads, such as {@code "libisal.so.2 not found (Debian package libisal2)"}
     * @return why the library cannot be used (the message and the last loader error); empty when it is bound
     */
    public static Optional<String> register(Class<?> natives, List<String> names, String missing) {
        String last = "";
        for (String name : names) {
            try {
                NativeBinding.to(natives, NativeLibrary.getInstance(name));
                return Optional.empty();
            } catch (UnsatisfiedLinkError e) {
                last = e.getMessage();
            }
        }
        return Optional.of(missing + ": " + last);
    }
}
