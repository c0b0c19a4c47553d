package dev.gantry.common.lifecycle;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The undo list of one multi-step operation. Each step that changed the system pushes its undo
 * with a description; when a later step fails, {@link #undo} runs them newest first. Each undo is
 * tried a few times; one that still fails does not stop the others, and is reported so the caller
 * can leave the object visible for the kubelet's next Stop or Remove instead of leaking it.
 *
 * <pre>
 *   Rollback rollback = new Rollback("run pod sandbox " + id);
 *   pins.create(...);   rollback.push("unpin namespaces", () -> pins.remove(id));
 *   cni.add(...);       rollback.push("CNI DEL", () -> cni.del(...));
 *   ...                 // failure: rollback.undo(cause) in a catch (Throwable), then rethrow
 *   rollback.clear();   // success: nothing to undo
 * </pre>
 *
 * Not thread-safe: one operation, one thread.
 */
public final class Rollback {

    static final int ATTEMPTS = 3;

    /** One undo step; it may throw, and is then retried. */
    @FunctionalInterface
    public interface Undo {
        void run() throws Exception;
    }

    private record Step(String description, Undo undo) {}

    private final String operation;
    private final Deque<Step> steps = new ArrayDeque<>();

    public Rollback(String operation) {
        this.operation = operation;
    }

    public String operation() {
        return operation;
    }

    public void push(String description, Undo undo) {
        steps.push(new Step(description, undo));
    }

    /** Forgets every undo: the operation succeeded. */
    public void clear() {
        steps.clear();
    }

    /**
     * Runs the undos newest first and empties the list. Undo failures, Errors included, are added to
     * {@code cause} as suppressed exceptions and returned as descriptions ("unpin namespaces: EBUSY").
     * The caller runs this for any throwable its steps threw, Errors too, and rethrows that.
     *
     * @return what could not be undone; empty when everything was (the caller logs it, with {@link #operation()})
     */
    public List<String> undo(Throwable cause) {
        List<String> failed = new ArrayList<>();
        while (!steps.isEmpty()) {
            Step step = steps.pop();
            Throwable last = null;
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                try {
                    step.undo().run();
                    last = null;
                    break;
                } catch (Throwable e) {
                    // An Error (out of memory, stack overflow) in one undo must not skip the older
                    // ones; it is not retried, and travels on as a suppressed exception of the cause.
                    last = e;
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                    if (e instanceof Error) {
                        break;
                    }
                }
            }
            if (last != null) {
                failed.add(step.description() + ": " + last.getMessage());
                if (cause != null) {
                    cause.addSuppressed(last);
                }
            }
        }
        return failed;
    }
}
