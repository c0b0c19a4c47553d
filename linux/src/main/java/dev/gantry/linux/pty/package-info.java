/** Pseudo-terminals for exec sessions with a TTY: the pair, and its window size. */
package dev.gantry.linux.pty;
