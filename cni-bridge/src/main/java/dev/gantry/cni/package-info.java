/**
 * Pod networking through CNI plugins (spec 1.0+): config discovery, plugin execution
 * (ADD/DEL/CHECK/STATUS), result types and the per-attachment result cache.
 */
package dev.gantry.cni;
