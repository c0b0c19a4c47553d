package dev.gantry.common.errors;

/**
 * What went wrong, in the caller's terms. Domain code picks a kind; only the RPC layer's
 * StatusMapper knows which gRPC code each kind becomes, so the two vocabularies never mix.
 */
public enum ErrorKind {
    /** The request is malformed: a bad image reference, an unknown runtime handler, a missing field. */
    INVALID_ARGUMENT,
    /** The object the request names does not exist. */
    NOT_FOUND,
    /** A name is reserved by another object. */
    ALREADY_EXISTS,
    /** The object is in the wrong state for the request (start a running container). */
    FAILED_PRECONDITION,
    /** A dependency (a registry, a plugin endpoint) cannot be reached right now. */
    UNAVAILABLE,
    /** A registry refused our credentials (401). */
    UNAUTHENTICATED,
    /** A registry refused access with the credentials given (403). */
    PERMISSION_DENIED,
    /** Content did not match its digest or size. */
    DATA_LOSS,
    /** The disk, or another bounded resource, is full. */
    RESOURCE_EXHAUSTED,
    /** The caller's deadline passed before the work finished. */
    DEADLINE_EXCEEDED,
    /** The caller went away. */
    CANCELLED,
    /** The operation exists in the API but this runtime cannot do it (yet). */
    UNIMPLEMENTED,
    /** An external tool (runc, conmon, a CNI plugin) or our own code failed. */
    INTERNAL
}
