package dev.gantry.common.id;

import dev.gantry.common.errors.GantryException;
import java.util.Locale;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Full ids of one kind of object, looked up by the full id or any unique prefix, as crictl's short
 * ids are. A prefix may be as short as one character: the index, not a minimum length, decides
 * whether it is unambiguous, and an ambiguous prefix is refused rather than guessed.
 *
 * <p>Thread-safe without locks: a sorted concurrent set puts every id sharing a prefix next to each
 * other, so a lookup reads at most two neighbours.
 */
public final class IdIndex {

    private final String subject;
    private final NavigableSet<String> ids = new ConcurrentSkipListSet<>();

    /** @param subject what the ids name, for messages: "pod sandbox", "container" */
    public IdIndex(String subject) {
        this.subject = Objects.requireNonNull(subject, "subject");
    }

    /** Adds a full id; adding it twice is harmless. */
    public void add(String id) {
        ids.add(Ids.requireValid(id, subject + " id"));
    }

    /** Removes a full id; removing an absent id is harmless (removal is idempotent upstream too). */
    public void remove(String id) {
        if (id != null) {
            ids.remove(id);
        }
    }

    public boolean contains(String id) {
        return id != null && ids.contains(id);
    }

    /**
     * The full id for an exact id or a unique prefix.
     *
     * @throws GantryException INVALID_ARGUMENT for an empty or ambiguous prefix, NOT_FOUND when nothing matches
     */
    public String resolve(String idOrPrefix) {
        return find(idOrPrefix).orElseThrow(() -> new IdNotFoundException(subject + " " + idOrPrefix + " not found"));
    }

    /**
     * The full id for an exact id or a unique prefix, empty when nothing matches: for callers to whom
     * an unknown id is an answer (Stop and Remove of an unknown id are OK), not a failure.
     *
     * @throws GantryException INVALID_ARGUMENT for an empty or ambiguous prefix
     */
    public Optional<String> find(String idOrPrefix) {
        if (idOrPrefix == null || idOrPrefix.isEmpty()) {
            throw new InvalidIdException(subject + " id is empty");
        }
        // ids are lower-case hex; crictl users may paste upper case
        String prefix = idOrPrefix.toLowerCase(Locale.ROOT);
        String first = ids.ceiling(prefix);
        if (first == null || !first.startsWith(prefix)) {
            return Optional.empty();
        }
        if (first.length() == prefix.length()) {
            return Optional.of(first);
        }
        String second = ids.higher(first);
        if (second != null && second.startsWith(prefix)) {
            long matches = ids.tailSet(prefix, true).stream().takeWhile(id -> id.startsWith(prefix)).count();
            throw new IdPrefixAmbiguousException(
                    subject + " id prefix " + idOrPrefix + " matches " + matches + " ids");
        }
        return Optional.of(first);
    }

    public int size() {
        return ids.size();
    }
}
