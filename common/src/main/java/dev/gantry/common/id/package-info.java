/**
 * Object ids and names: random 64-hex ids, unique-prefix lookup ({@link dev.gantry.common.id.IdIndex}) and
 * name reservation ({@link dev.gantry.common.id.NameRegistry}). No I/O; callers persist what they need.
 */
package dev.gantry.common.id;
