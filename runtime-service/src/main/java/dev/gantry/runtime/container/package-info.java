/** Containers: their root file systems and, later, their records and lifecycle. */
package dev.gantry.runtime.container;
