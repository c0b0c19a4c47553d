package dev.gantry.common.errors;

import java.io.EOFException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.ZipException;

/**
 * A failure told in words for a status message or a log line an operator reads, never as a Java
 * class name: "no such file: /x", not "java.nio.file.NoSuchFileException: /x". The stack trace,
 * with the classes, goes to the log where it is wanted.
 */
public final class Failures {

    /** {@code java.io.IOException: } and the like, wherever a message quotes a cause's toString(). */
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b(?::\\s*)?");

    private Failures() {}

    /** What went wrong in {@code t}, in words: its kind when the class says something its message does not, then its message. */
    public static String describe(Throwable t) {
        String kind = switch (t) {
            case NoSuchFileException e -> "no such file";
            case AccessDeniedException e -> "permission denied";
            case FileAlreadyExistsException e -> "already exists";
            case DirectoryNotEmptyException e -> "directory not empty";
            case NotDirectoryException e -> "not a directory";
            case EOFException e -> "unexpected end of data";
            case ZipException e -> "corrupt gzip data";
            case SocketTimeoutException e -> "timed out";
            case OutOfMemoryError e -> "out of memory";
            case StackOverflowError e -> "stack overflow";
            case NullPointerException e -> "null reference";
            default -> null;
        };
        String message = t.getMessage() == null || t.getMessage().isBlank() ? null : withoutClassNames(t.getMessage());
        if (kind == null) {
            return message == null ? "unexpected failure (" + t.getClass().getSimpleName().replaceAll("(?<=[a-z])(?=[A-Z])", " ").toLowerCase(Locale.ROOT) + ")" : message;
        }
        return message == null ? kind : kind + ": " + message;
    }

    /** {@code text} without the Java class names quoted in it ("… : java.io.IOException: Broken pipe" → "… : Broken pipe"). */
    public static String withoutClassNames(String text) {
        return CLASS_NAME.matcher(text).replaceAll("");
    }
}
