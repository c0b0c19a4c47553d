package dev.gantry.linux.ns;

/** The namespaces a pod sandbox owns, with their clone(2) flag and their name under {@code /proc/<pid>/ns}. */
public enum NamespaceType {
    NET(0x40000000, "net"),
    IPC(0x08000000, "ipc"),
    UTS(0x04000000, "uts");

    private final int cloneFlag;
    private final String procName;

    NamespaceType(int cloneFlag, String procName) {
        this.cloneFlag = cloneFlag;
        this.procName = procName;
    }

    /** The CLONE_NEW* flag for unshare(2) and setns(2). */
    public int cloneFlag() {
        return cloneFlag;
    }

    /** The file name under {@code /proc/<pid>/ns} and the directory name under the pin base. */
    public String procName() {
        return procName;
    }
}
