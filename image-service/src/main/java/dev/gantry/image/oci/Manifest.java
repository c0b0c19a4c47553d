package dev.gantry.image.oci;

import java.util.List;
import java.util.Map;

/** An image manifest (OCI, or Docker schema 2): one config blob and the layers, lowest first. */
public record Manifest(String mediaType, Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {

    public Manifest {
        layers = List.copyOf(layers);
        annotations = Map.copyOf(annotations);
    }
}
