package dev.gantry.common.id;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** A name is held by another object; the message names the holder so the kubelet's log shows it. */
public final class NameReservedException extends GantryException {

    private final String name;
    private final String holder;

    public NameReservedException(String name, String holder) {
        super(ErrorKind.ALREADY_EXISTS, "name " + name + " is reserved for " + holder);
        this.name = name;
        this.holder = holder;
    }

    /** With a message that names the subject ("pod sandbox name … is reserved by sandbox …"). */
    public NameReservedException(String name, String holder, String message) {
        super(ErrorKind.ALREADY_EXISTS, message);
        this.name = name;
        this.holder = holder;
    }

    public String name() {
        return name;
    }

    /** The id that holds the name. */
    public String holder() {
        return holder;
    }
}
