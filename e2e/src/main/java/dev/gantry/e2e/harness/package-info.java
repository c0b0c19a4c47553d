/** Starts and stops real gantryd processes for tests and benchmarks, and sweeps up after them ({@link dev.gantry.e2e.harness.NodeCleanup}). */
package dev.gantry.e2e.harness;
