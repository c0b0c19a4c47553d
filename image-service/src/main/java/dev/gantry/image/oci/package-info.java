/** OCI image spec documents (index, manifest, config, descriptors, platforms, chain IDs) read from registry bytes. Depends on reference. */
package dev.gantry.image.oci;
