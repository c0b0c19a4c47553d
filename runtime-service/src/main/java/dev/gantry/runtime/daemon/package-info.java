/**
 * The {@code gantryd} process: command line, configuration, the state lock, the CRI socket and
 * server, wiring and orderly shutdown.
 */
package dev.gantry.runtime.daemon;
