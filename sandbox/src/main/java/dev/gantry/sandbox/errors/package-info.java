/** The typed failures of pod sandboxes that any sandbox package may throw; a leaf, so no package cycle goes through it. */
package dev.gantry.sandbox.errors;
