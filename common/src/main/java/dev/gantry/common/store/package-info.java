/** Object records on disk with their in-memory indexes: what the sandbox and container stores share. */
package dev.gantry.common.store;
