package dev.gantry.cni.exec;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A CNI plugin failed. {@code code} is the CNI error code from the plugin's error JSON, or -1 when the
 * plugin could not be run or did not answer with one.
 */
public final class CniPluginException extends GantryException {

    /** CNI error code 3: "Container unknown or does not exist"; DEL treats it as already done. */
    public static final int CODE_UNKNOWN_CONTAINER = 3;

    private final String pluginType;
    private final CniCommand command;
    private final int code;
    private final @Nullable String msg;

    public CniPluginException(String pluginType, CniCommand command, int code, @Nullable String msg, @Nullable String details,
            @Nullable Throwable cause) {
        super(ErrorKind.INTERNAL, format(pluginType, command, code, msg, details), cause);
        this.pluginType = pluginType;
        this.command = command;
        this.code = code;
        this.msg = msg;
    }

    private static String format(String type, CniCommand command, int code, @Nullable String msg, @Nullable String details) {
        StringBuilder s = new StringBuilder("CNI plugin ").append(type).append(' ').append(command).append(" failed: ");
        if (code >= 0) {
            s.append("code ").append(code).append(": ");
        }
        s.append(msg);
        if (details != null && !details.isBlank()) {
            s.append(" (").append(details).append(')');
        }
        return s.toString();
    }

    public String pluginType() {
        return pluginType;
    }

    public CniCommand command() {
        return command;
    }

    public int code() {
        return code;
    }

    public @Nullable String msg() {
        return msg;
    }

    /** Whether the plugin said the thing to delete is already gone. */
    public boolean isNotFound() {
        if (code == CODE_UNKNOWN_CONTAINER) {
            return true;
        }
        String lower = msg == null ? "" : msg.toLowerCase(Locale.ROOT);
        return code >= 0 && (lower.contains("not found") || lower.contains("no such") || lower.contains("does not exist"));
    }
}
