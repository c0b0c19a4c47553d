/** inotify(7) for watching directories without polling them: conmon's exit files, CNI config dirs. */
package dev.gantry.linux.inotify;
