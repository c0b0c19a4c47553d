/**
 * The CRI ImageService: image references, the OCI distribution client, the content-addressed
 * blob store, layer unpacking into overlay snapshots, image records and garbage collection.
 */
package dev.gantry.image;
