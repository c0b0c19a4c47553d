package dev.gantry.image.unpack;

import dev.gantry.common.io.JdkRawInflater;
import dev.gantry.common.io.RawInflater;
import dev.gantry.linux.isal.IsalInflater;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Which DEFLATE decoder gzip layers go through, from the configured engine. */
public final class Inflaters {

    private static final Logger log = LoggerFactory.getLogger(Inflaters.class);

    /** {@code image.inflate}: {@code auto} takes ISA-L where libisal2 is installed and works, zlib otherwise. */
    public enum Engine { AUTO, ISAL, ZLIB }

    private Inflaters() {}

    /**
     * A source of decoders, one per layer. {@code auto} decides at the first gzip layer, so a daemon
     * that never pulls never loads the library nor runs its self-test.
     *
     * @throws IllegalStateException when {@link Engine#ISAL} is asked for and cannot be used, with the reason
     */
    public static Supplier<RawInflater> of(Engine engine) {
        return switch (engine) {
            case ZLIB -> JdkRawInflater::new;
            case ISAL -> {
                Optional<String> unavailable = IsalInflater.unavailableReason();
                if (unavailable.isPresent()) {
                    throw new IllegalStateException("ISA-L cannot be used: " + unavailable.get());
                }
                yield IsalInflater::new;
            }
            case AUTO -> new Supplier<>() {
                private volatile @Nullable Supplier<RawInflater> chosen;

                @Override
                public RawInflater get() {
                    Supplier<RawInflater> known = chosen;
                    if (known == null) {
                        known = detect();
                        chosen = known;
                    }
                    return known.get();
                }
            };
        };
    }

    private static Supplier<RawInflater> detect() {
        Optional<String> unavailable = IsalInflater.unavailableReason();
        if (unavailable.isPresent()) {
            log.info("gzip layers inflate with zlib: {}", unavailable.get());
            return JdkRawInflater::new;
        }
        log.info("gzip layers inflate with ISA-L (libisal2)");
        return IsalInflater::new;
    }
}
