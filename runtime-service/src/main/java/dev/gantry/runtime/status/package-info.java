/** What the runtime reports about itself: the readiness conditions behind the Status RPC. */
package dev.gantry.runtime.status;
