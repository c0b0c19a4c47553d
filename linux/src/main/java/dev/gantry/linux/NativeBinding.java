package dev.gantry.linux;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * Binds a class's {@code native} methods (JNA direct mapping), one class at a time in the whole
 * daemon. Each bound method gets a libffi closure from the allocator and trampoline tables JNA's
 * libffi sets up at its first use, and that set-up is not safe against a second thread allocating
 * at the same moment (its dlmalloc, for one, publishes its page size before its allocation
 * granularity, outside its lock). Threads released together from JNA's class initialisation are
 * the way to get there: one daemon start in some 300 of a CI run failed with "Failed to allocate
 * closure" binding the inotify calls on the start-up warm-up thread while the main thread bound
 * its own, and the failed class stayed unusable. Not reproduced outside the daemon (600 starts of
 * a two-thread test did not fail), so this is the likely cause, not a proven one; bindings happen
 * once per class, so one lock costs nothing either way.
 */
public final class NativeBinding {

    private static final Object LOCK = new Object();

    private NativeBinding() {}

    /** Binds {@code natives} to the C library; call it from the class's static initialiser. */
    public static void toLibc(Class<?> natives) {
        to(natives, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    /**
     * Binds {@code natives} to {@code library}.
     *
     * @throws UnsatisfiedLinkError when a method is missing from the library
     */
    public static void to(Class<?> natives, NativeLibrary library) {
        // Nothing inside Native.register initialises a gantry class (no natives take Structures or
        // callbacks), so a thread waiting here cannot hold a class lock the holder needs.
        synchronized (LOCK) {
            Native.register(natives, library);
        }
    }
}
