/** The content-addressed blob store: ingest, verification, publication by rename. Depends on reference and common.fs. */
package dev.gantry.image.content;
