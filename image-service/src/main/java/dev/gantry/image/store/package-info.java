/** Image records and the in-memory index ImageStatus and ListImages answer from. Depends on reference and common.fs. */
package dev.gantry.image.store;
