package dev.gantry.image.unpack;

import java.time.Instant;
import java.util.Map;

/**
 * One member of a layer archive, with PAX and GNU long-name headers already folded in.
 * Names are as written in the archive (not cleaned); xattr values are the raw PAX bytes.
 */
record TarEntry(
        String name,
        String linkName,
        Type type,
        int mode,
        int uid,
        int gid,
        long size,
        Instant modified,
        Instant accessed,
        long devMajor,
        long devMinor,
        Map<String, byte[]> xattrs) {

    enum Type { FILE, HARDLINK, SYMLINK, CHAR_DEVICE, BLOCK_DEVICE, DIRECTORY, FIFO }
}
