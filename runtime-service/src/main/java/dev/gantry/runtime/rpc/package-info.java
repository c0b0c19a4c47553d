/**
 * The RuntimeService endpoint and one {@code *Rpc} class per RPC. These classes translate between
 * CRI messages and domain types and hold no logic of their own.
 */
package dev.gantry.runtime.rpc;
