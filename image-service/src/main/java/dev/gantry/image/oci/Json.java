package dev.gantry.image.oci;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The image service's one Jackson mapper, built on first use: an ObjectMapper costs hundreds of
 * classes and tens of milliseconds, and a daemon whose store is empty should not pay for it at start.
 */
public final class Json {

    private Json() {}

    public static ObjectMapper mapper() {
        return Holder.MAPPER;
    }

    private static final class Holder {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
}
