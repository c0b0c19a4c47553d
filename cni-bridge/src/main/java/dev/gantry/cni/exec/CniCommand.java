package dev.gantry.cni.exec;

/** The CNI_COMMAND values we send. */
public enum CniCommand {
    ADD, DEL, CHECK, STATUS
}
