/** Exceptions shared by the RPC, exec, attach and streaming packages; each fixes its {@code ErrorKind}. */
package dev.gantry.runtime.errors;
