/** Network links inside a namespace: what gantry does itself instead of running a plugin. */
package dev.gantry.linux.net;
