/** File calls java.nio lacks or would make through a symlink: xattrs, device nodes, owners, modes, times, statvfs. */
package dev.gantry.linux.fs;
