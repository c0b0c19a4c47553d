package dev.gantry.linux.cgroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the cgroup hierarchies in {@code /proc/self/mountinfo}: each v1 hierarchy once (keyed by
 * its controllers, e.g. {@code "cpu,cpuacct"} or {@code "name=systemd"}) and the cgroup2 mount.
 * Only mounts of a hierarchy's root are used: a bind mount of a subtree would put our paths in the
 * wrong place.
 */
final class CgroupMounts {

    /** Super options of a v1 mount that are flags, not controllers. */
    private static final Set<String> FLAGS = Set.of("rw", "ro", "clone_children", "noprefix", "xattr", "cpuset_v2_mode",
            "favordynmods", "nsdelegate", "memory_recursiveprot", "memory_localevents", "memory_hugetlb_accounting");

    private CgroupMounts() {}

    record Found(Map<String, Path> v1, Optional<Path> unified) {}

    static Found parse(List<String> mountinfo) {
        Map<String, Path> v1 = new LinkedHashMap<>();
        Set<String> seenDevices = new HashSet<>();
        Path unified = null;
        for (String line : mountinfo) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] left = line.substring(0, dash).split(" ");
            String[] right = line.substring(dash + 3).split(" ");
            if (left.length < 5 || right.length < 3 || !left[3].equals("/")) {
                continue;
            }
            Path mountPoint = Path.of(unescape(left[4]));
            String fsType = right[0];
            if (fsType.equals("cgroup2")) {
                if (unified == null) {
                    unified = mountPoint;
                }
            } else if (fsType.equals("cgroup") && seenDevices.add(left[2])) {
                String controllers = controllers(right[2]);
                if (!controllers.isEmpty()) {
                    v1.putIfAbsent(controllers, mountPoint);
                }
            }
        }
        return new Found(v1, Optional.ofNullable(unified));
    }

    private static String controllers(String superOptions) {
        List<String> names = new ArrayList<>();
        for (String option : superOptions.split(",")) {
            if (!FLAGS.contains(option) && (option.startsWith("name=") || !option.contains("="))) {
                names.add(option);
            }
        }
        return String.join(",", names);
    }

    /** mountinfo escapes space, tab, newline and backslash as three octal digits. */
    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
