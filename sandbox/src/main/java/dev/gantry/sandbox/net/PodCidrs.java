package dev.gantry.sandbox.net;

import dev.gantry.common.errors.GantryException;
import dev.gantry.sandbox.errors.InvalidPodConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node's pod CIDRs, as the kubelet last gave them in UpdateRuntimeConfig (the node's
 * {@code spec.podCIDRs}, comma-separated: one per family on a dual-stack node). Pods attached after an
 * update get them as the CNI {@code ipRanges} capability; IPAM plugins that do not declare it (most
 * conflists name their subnet themselves) never see them. Kept in memory only: the kubelet sends
 * them again after every runtime restart.
 */
public final class PodCidrs {

    private final AtomicReference<List<String>> current = new AtomicReference<>(List.of());

    /** The pod CIDRs now, normalised (network address, lower-case IPv6); empty until set. */
    public List<String> current() {
        return Objects.requireNonNull(current.get()); // set to a list, never to null
    }

    /**
     * Replaces the pod CIDRs; "" clears them.
     *
     * @return the CIDRs now in force, normalised
     * @throws GantryException INVALID_ARGUMENT naming the entry that is not a CIDR
     */
    public List<String> update(String commaSeparated) {
        List<String> parsed = parse(commaSeparated);
        current.set(parsed);
        return parsed;
    }

    static List<String> parse(String commaSeparated) {
        if (commaSeparated.isBlank()) {
            return List.of();
        }
        String[] entries = commaSeparated.split(",", -1);
        if (entries.length > 2) {
            throw invalid(commaSeparated, "at most two CIDRs, one per address family");
        }
        List<String> out = new ArrayList<>();
        boolean v4 = false;
        boolean v6 = false;
        for (String entry : entries) {
            String cidr = normalise(entry.strip(), commaSeparated);
            boolean isV6 = cidr.contains(":");
            if (isV6 ? v6 : v4) {
                throw invalid(commaSeparated, "two CIDRs of the same address family");
            }
            v4 |= !isV6;
            v6 |= isV6;
            out.add(cidr);
        }
        return List.copyOf(out);
    }

    /** {@code 10.244.1.7/24} → {@code 10.244.1.0/24}, as Go's net.ParseCIDR reads it. */
    private static String normalise(String cidr, String whole) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw invalid(whole, "\"" + cidr + "\" has no /prefix length");
        }
        String address = cidr.substring(0, slash);
        String prefix = cidr.substring(slash + 1);
        // Literal addresses only: InetAddress would resolve a host name through DNS.
        if (address.isEmpty() || !address.matches("[0-9A-Fa-f:.]+") || (!address.contains(":") && !address.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
            throw invalid(whole, "\"" + address + "\" is not an IP address");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw invalid(whole, "\"" + address + "\" is not an IP address");
        }
        int bits = bytes.length * 8;
        if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > bits) {
            throw invalid(whole, "prefix length \"" + prefix + "\" is not between 0 and " + bits);
        }
        int length = Integer.parseInt(prefix);
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, length - i * 8));
            bytes[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            String text = InetAddress.getByAddress(bytes).getHostAddress();
            return (bytes.length == 16 ? compress(text) : text) + "/" + length;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // a 4 or 16 byte array is always an address
        }
    }

    /** Java writes every IPv6 group ({@code fd00:0:0:0:0:0:0:0}); RFC 5952 folds the longest run of zeros: {@code fd00::}. */
    private static String compress(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; ) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(j, i + 1);
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }

    private static GantryException invalid(String whole, String reason) {
        return new InvalidPodConfigException("pod CIDR \"" + whole + "\": " + reason);
    }
}
