/**
 * Starts and stops real gantryd processes for tests and benchmarks ({@link dev.gantry.e2e.harness.GantryDaemon},
 * {@link dev.gantry.e2e.harness.DaemonExtension} for a class), gives a test a node of its own (a CNI network,
 * a daemon, the test images: {@link dev.gantry.e2e.harness.TestNode}), and sweeps up after them, and after
 * killed runs ({@link dev.gantry.e2e.harness.NodeCleanup}).
 */
package dev.gantry.e2e.harness;
