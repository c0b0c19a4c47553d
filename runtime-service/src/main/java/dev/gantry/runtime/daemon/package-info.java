/**
 * The {@code gantryd} process: command line, configuration, the root and state locks, the CRI socket and
 * server, wiring and orderly shutdown.
 */
package dev.gantry.runtime.daemon;
