package dev.gantry.runtime.oci;

import dev.gantry.common.errors.GantryException;
import dev.gantry.runtime.errors.InvalidContainerConfigException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Signal names of an image's StopSignal ({@code "SIGTERM"}, {@code "TERM"}, {@code "15"},
 * {@code "SIGRTMIN+3"}) to numbers. The numbers are Linux's generic ones, the same on x86-64 and
 * arm64. Real-time signals count from 34, as glibc (and Docker) do: it keeps 32 and 33 for itself.
 */
public final class StopSignals {

    static final int SIGTERM = 15;
    private static final int RTMIN = 34;
    private static final int RTMAX = 64;

    private static final Map<String, Integer> NAMES = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4),
            Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("IOT", 6), Map.entry("BUS", 7),
            Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11),
            Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15),
            Map.entry("STKFLT", 16), Map.entry("CHLD", 17), Map.entry("CONT", 18), Map.entry("STOP", 19),
            Map.entry("TSTP", 20), Map.entry("TTIN", 21), Map.entry("TTOU", 22), Map.entry("URG", 23),
            Map.entry("XCPU", 24), Map.entry("XFSZ", 25), Map.entry("VTALRM", 26), Map.entry("PROF", 27),
            Map.entry("WINCH", 28), Map.entry("IO", 29), Map.entry("POLL", 29), Map.entry("PWR", 30),
            Map.entry("SYS", 31), Map.entry("RTMIN", RTMIN), Map.entry("RTMAX", RTMAX));

    private StopSignals() {}

    /**
     * The signal number; an empty or blank name is SIGTERM, the default stop signal.
     *
     * @throws GantryException INVALID_ARGUMENT for a name or number that is no signal
     */
    public static int parse(String signal) {
        String text = signal == null ? "" : signal.strip();
        if (text.isEmpty()) {
            return SIGTERM;
        }
        if (text.chars().allMatch(Character::isDigit)) {
            return inRange(text.length() <= 3 ? Integer.parseInt(text) : -1, signal);
        }
        String name = text.toUpperCase(Locale.ROOT);
        if (name.startsWith("SIG")) {
            name = name.substring(3);
        }
        // The CRI's Signal enum spells real-time offsets out: SIGRTMINPLUS3, SIGRTMAXMINUS2.
        name = name.replace("MINPLUS", "MIN+").replace("MAXMINUS", "MAX-");
        Integer number = NAMES.get(name);
        if (number != null) {
            return number;
        }
        // RTMIN+n and RTMAX-n, as kill(1) and Docker accept them
        for (String base : new String[] {"RTMIN+", "RTMAX-"}) {
            if (name.startsWith(base)) {
                String offset = name.substring(base.length());
                if (!offset.isEmpty() && offset.length() <= 2 && offset.chars().allMatch(Character::isDigit)) {
                    int n = Integer.parseInt(offset);
                    return inRange(base.startsWith("RTMIN") ? RTMIN + n : RTMAX - n, signal);
                }
            }
        }
        throw unknown(signal);
    }

    /**
     * The CRI Signal enum name of a signal number ({@code SIGTERM}, {@code SIGRTMINPLUS3}); empty
     * for a number that is no signal.
     */
    public static Optional<String> name(int number) {
        if (number < 1 || number > RTMAX) {
            return Optional.empty();
        }
        if (number == RTMIN) {
            return Optional.of("SIGRTMIN");
        }
        if (number == RTMAX) {
            return Optional.of("SIGRTMAX");
        }
        if (number > RTMIN) {
            int fromMin = number - RTMIN;
            int fromMax = RTMAX - number;
            return Optional.of(fromMin <= fromMax ? "SIGRTMINPLUS" + fromMin : "SIGRTMAXMINUS" + fromMax);
        }
        return NAMES.entrySet().stream()
                .filter(e -> e.getValue() == number && !e.getKey().equals("IOT") && !e.getKey().equals("POLL"))
                .map(e -> "SIG" + e.getKey())
                .findFirst();
    }

    private static int inRange(int number, String signal) {
        if (number < 1 || number > RTMAX) {
            throw unknown(signal);
        }
        return number;
    }

    private static GantryException unknown(String signal) {
        return new InvalidContainerConfigException("stop signal \"" + signal + "\" is not a Linux signal");
    }
}
