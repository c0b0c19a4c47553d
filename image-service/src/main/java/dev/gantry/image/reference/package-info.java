/** Image references and digests, parsed and normalised as Docker and containerd do. Depends on common only. */
package dev.gantry.image.reference;
