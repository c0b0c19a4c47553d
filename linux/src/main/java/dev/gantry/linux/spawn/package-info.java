/**
 * Starting processes with posix_spawn(3): without a JVM thread per child, from threads whose
 * namespaces changed, with exactly the file descriptors given.
 */
package dev.gantry.linux.spawn;
