/** Multi-step lifecycle work: undo what a failed operation already did. */
package dev.gantry.common.lifecycle;
