/**
 * Work inside a pod's pinned namespaces that belongs to the sandbox rather than to the linux
 * layer: the pod's namespaced sysctls, checked against the namespaces the pod really owns.
 */
package dev.gantry.sandbox.ns;
