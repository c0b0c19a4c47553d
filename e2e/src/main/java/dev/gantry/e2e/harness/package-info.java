/** Starts and stops real gantryd processes for tests and benchmarks. */
package dev.gantry.e2e.harness;
