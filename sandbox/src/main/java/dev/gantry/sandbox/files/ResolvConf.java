package dev.gantry.sandbox.files;

import dev.gantry.common.errors.GantryException;
import dev.gantry.sandbox.errors.InvalidPodConfigException;

/**
 * Renders a pod's resolv.conf (resolv.conf(5)): {@code search a b}, one {@code nameserver x} line
 * per server, {@code options y z}, each line only when it has entries.
 *
 * <p>What is enforced, and why:
 * <ul>
 *   <li>each nameserver is an IPv4 or IPv6 address literal (an IPv6 zone such as {@code %eth0} is
 *       allowed); the resolver takes nothing else and a name here would silently not work;
 *   <li>at most {@value #MAX_NAMESERVERS} nameservers: glibc's {@code MAXNS}; it ignores the rest,
 *       and the kubelet trims to 3 itself, so more is a caller's mistake worth reporting;
 *   <li>at most {@value #MAX_SEARCHES} search domains and {@value #MAX_SEARCH_CHARS} characters in
 *       the search line's domains: the kubelet's own limits. The old glibc limits (6 domains, 256
 *       characters) were lifted in glibc 2.26, and the kubelet validates against the newer ones;
 *   <li>no entry is empty or holds whitespace: one would split into two entries, a newline would
 *       inject a line.
 * </ul>
 * Options are not interpreted ({@code ndots:5}, {@code edns0}, ...): unknown ones are ignored by the
 * resolver.
 */
public final class ResolvConf {

    public static final int MAX_NAMESERVERS = 3;
    public static final int MAX_SEARCHES = 32;
    public static final int MAX_SEARCH_CHARS = 2048;

    private ResolvConf() {}

    /**
     * The file's text: rendered from {@code dns}, or {@code hostResolvConf} unchanged when {@code dns}
     * is empty (the node's resolv.conf, read by the caller).
     *
     * @throws GantryException INVALID_ARGUMENT naming the entry and the rule it breaks
     */
    public static String render(DnsConfig dns, String hostResolvConf) {
        if (dns.isEmpty()) {
            return hostResolvConf;
        }
        check(dns);
        StringBuilder text = new StringBuilder();
        if (!dns.searches().isEmpty()) {
            text.append("search ").append(String.join(" ", dns.searches())).append('\n');
        }
        for (String server : dns.servers()) {
            text.append("nameserver ").append(server).append('\n');
        }
        if (!dns.options().isEmpty()) {
            text.append("options ").append(String.join(" ", dns.options())).append('\n');
        }
        return text.toString();
    }

    private static void check(DnsConfig dns) {
        if (dns.servers().size() > MAX_NAMESERVERS) {
            throw invalid("has " + dns.servers().size() + " nameservers " + dns.servers()
                    + ", more than the " + MAX_NAMESERVERS + " the resolver uses");
        }
        for (String server : dns.servers()) {
            checkWord("nameserver", server);
            if (!IpLiteral.isIpv4(server) && !IpLiteral.isIpv6(server, true)) {
                throw invalid("nameserver '" + server + "' is not an IPv4 or IPv6 address");
            }
        }
        if (dns.searches().size() > MAX_SEARCHES) {
            throw invalid("has " + dns.searches().size() + " search domains, more than " + MAX_SEARCHES);
        }
        for (String search : dns.searches()) {
            checkWord("search domain", search);
        }
        int searchChars = String.join(" ", dns.searches()).length();
        if (searchChars > MAX_SEARCH_CHARS) {
            throw invalid("search line is " + searchChars + " characters long, more than " + MAX_SEARCH_CHARS);
        }
        for (String option : dns.options()) {
            checkWord("option", option);
        }
    }

    private static void checkWord(String what, String word) {
        if (word == null || word.isEmpty()) {
            throw invalid("has an empty " + what);
        }
        if (word.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            throw invalid(what + " '" + word + "' contains whitespace or a control character");
        }
    }

    private static GantryException invalid(String problem) {
        return new InvalidPodConfigException("invalid pod DNS config: " + problem);
    }
}
