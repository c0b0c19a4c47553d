/** Benchmarks against a real daemon; mains that print JSON, not tests. */
package dev.gantry.e2e.bench;
