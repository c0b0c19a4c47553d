/**
 * Pod networking through CNI plugins (spec 1.0+): config discovery, plugin execution
 * (ADD/DEL/CHECK/STATUS), result types and the per-attachment result cache.
 *
 * <p>{@link dev.gantry.cni.CniNetworks} is the entry point: it follows the config dir, reports
 * {@link dev.gantry.cni.NetworkStatus}, hands out the {@link dev.gantry.cni.CniNetwork} to ADD on and
 * tears attachments down on the network they were made on.
 */
package dev.gantry.cni;
