/** File system helpers shared by every module: directories, atomic files, root-confined paths. */
package dev.gantry.common.fs;
