package dev.gantry.runtime.daemon;

/**
 * A checked configuration together with the effective key/value tree as JSON (what Status reports
 * in verbose mode) and a description of where it came from.
 */
public record LoadedConfig(GantryConfig config, String effectiveJson, String source) {}
