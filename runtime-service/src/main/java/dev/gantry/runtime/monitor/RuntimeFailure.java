package dev.gantry.runtime.monitor;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.runtime.oci.RuncRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What conmon reports of a failed {@code runc create}, made into one line. conmon passes runc's
 * stderr on whole: logrus lines ({@code time="…" level=error msg="…"}), of which only the msg
 * says anything. A command that cannot be executed (missing, not executable, not on PATH) is the
 * request's fault, not ours: runc 1.1 finds it at create, in {@code runc init}, and says
 * {@code exec: "/nonexistent": stat /nonexistent: no such file or directory}; that line alone is
 * reported, as INVALID_ARGUMENT.
 */
record RuntimeFailure(ErrorKind kind, String message) {

    /** Go's exec.LookPath error, as runc's init wraps it: {@code exec: "<name>": <why>}. */
    private static final Pattern EXEC_FAILURE = Pattern.compile("exec: \"(?:[^\"\\\\]|\\\\.)*\": .*");

    static RuntimeFailure of(String stderr) {
        String text = stderr.strip();
        List<String> messages = new ArrayList<>();
        for (String line : text.split("\n")) {
            Optional<String> msg = RuncRuntime.logrusMessage(line);
            if (msg.isPresent()) {
                messages.add(msg.get());
            } else if (!line.isBlank()) {
                messages.add(line.strip());
            }
        }
        for (String message : messages) {
            Matcher exec = EXEC_FAILURE.matcher(message);
            if (exec.find()) {
                return new RuntimeFailure(ErrorKind.INVALID_ARGUMENT, "the container's command cannot be run: " + exec.group());
            }
        }
        return new RuntimeFailure(ErrorKind.INTERNAL, messages.isEmpty() ? "no message" : String.join("; ", messages));
    }
}
