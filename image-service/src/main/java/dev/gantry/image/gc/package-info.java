/** Leases on content in use and the collector that removes what nothing holds. Depends on content, snapshot, store. */
package dev.gantry.image.gc;
