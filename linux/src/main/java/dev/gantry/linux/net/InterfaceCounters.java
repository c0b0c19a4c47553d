package dev.gantry.linux.net;

import dev.gantry.linux.fs.StatFileReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte and error counters of one network interface, cumulative since it was created, as the
 * kernel lists them in {@code net/dev} of a network namespace.
 */
public record InterfaceCounters(String name, long rxBytes, long rxErrors, long txBytes, long txErrors) {

    /**
     * The interfaces in a {@code net/dev} file, loopback left out (traffic inside the pod is not the
     * pod's network use). {@code /proc/<pid>/net/dev} is the netns of that process, so reading it for
     * a process of the pod costs one read and no namespace switch; a thread that joined the netns
     * reads {@code /proc/thread-self/net/dev}.
     *
     * <pre>
     * Inter-|   Receive                                                |  Transmit
     *  face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop ...
     *   eth0:   10452      95    0    0    0     0          0         0     4730      45    0    0 ...
     * </pre>
     *
     * @throws IOException when the file cannot be read (the process is gone)
     */
    public static List<InterfaceCounters> read(String netDevPath, StatFileReader reader) throws IOException {
        reader.load(netDevPath);
        List<InterfaceCounters> interfaces = new ArrayList<>(2);
        int line = reader.nextLine(reader.nextLine(0)); // two header lines
        while (line < reader.length()) {
            int start = reader.skipBlanks(line);
            int colon = start;
            while (colon < reader.length() && reader.at(colon) != ':' && reader.at(colon) != '\n') {
                colon++;
            }
            if (colon < reader.length() && reader.at(colon) == ':') {
                long[] fields = new long[11];
                int i = colon + 1;
                for (int f = 0; f < fields.length; f++) {
                    i = reader.skipBlanks(i);
                    fields[f] = reader.parseLong(i);
                    i = reader.skipNumber(i);
                }
                String name = reader.text(start, colon);
                if (!name.equals("lo")) {
                    // receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes packets errs
                    interfaces.add(new InterfaceCounters(name, fields[0], fields[2], fields[8], fields[10]));
                }
            }
            line = reader.nextLine(colon);
        }
        return interfaces;
    }
}
