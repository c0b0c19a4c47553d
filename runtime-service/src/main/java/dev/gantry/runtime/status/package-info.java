/** What the runtime reports about itself: the readiness conditions and handler features behind the Status RPC. */
package dev.gantry.runtime.status;
