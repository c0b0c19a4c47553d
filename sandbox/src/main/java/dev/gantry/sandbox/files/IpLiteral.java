package dev.gantry.sandbox.files;

/**
 * Strict textual IPv4 / IPv6 address check with no name lookup. {@code InetAddress.getByName} would
 * fall back to DNS for anything it does not parse, and {@code InetAddress.ofLiteral} is newer than
 * our language level.
 */
final class IpLiteral {

    private IpLiteral() {}

    /** Dotted quad as inet_pton(AF_INET) takes it: four decimal parts 0-255, no leading zeros. */
    static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                return false;
            }
            for (int i = 0; i < part.length(); i++) {
                if (part.charAt(i) < '0' || part.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 4291 text form: up to eight groups of 1-4 hex digits, at most one {@code ::}, an optional
     * trailing dotted quad counting as two groups. A zone ({@code %eth0}) is allowed only when
     * {@code allowZone}: glibc takes one in resolv.conf, a hosts file has no use for it.
     */
    static boolean isIpv6(String s, boolean allowZone) {
        int percent = s.indexOf('%');
        if (percent >= 0) {
            String zone = s.substring(percent + 1);
            if (!allowZone || zone.isEmpty() || !zone.chars().allMatch(c -> c > ' ' && c < 127 && c != '%')) {
                return false;
            }
            s = s.substring(0, percent);
        }
        int doubleColon = s.indexOf("::");
        if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        if (doubleColon >= 0) {
            int left = countGroups(s.substring(0, doubleColon), false);
            int right = countGroups(s.substring(doubleColon + 2), true);
            return left >= 0 && right >= 0 && left + right <= 7;
        }
        return countGroups(s, true) == 8;
    }

    /** Groups in a colon-separated run (a trailing IPv4 counts 2); -1 when malformed; 0 for "". */
    private static int countGroups(String run, boolean mayEndWithIpv4) {
        if (run.isEmpty()) {
            return 0;
        }
        String[] groups = run.split(":", -1);
        int count = 0;
        for (int i = 0; i < groups.length; i++) {
            String group = groups[i];
            if (i == groups.length - 1 && mayEndWithIpv4 && group.indexOf('.') >= 0) {
                if (!isIpv4(group)) {
                    return -1;
                }
                count += 2;
            } else if (isHexGroup(group)) {
                count++;
            } else {
                return -1;
            }
        }
        return count;
    }

    private static boolean isHexGroup(String group) {
        if (group.isEmpty() || group.length() > 4) {
            return false;
        }
        for (int i = 0; i < group.length(); i++) {
            if (Character.digit(group.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
