package dev.gantry.e2e.bench;

import dev.gantry.e2e.fixtures.Layer;
import dev.gantry.e2e.fixtures.OciImageBuilder;
import dev.gantry.e2e.fixtures.PushedImage;
import dev.gantry.e2e.fixtures.Registry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * The images {@link ImagePullBenchmark} pulls, built from fixed seeds (equal workloads give equal
 * digests) and pushed to one registry. {@link #close()} deletes the layer files.
 *
 * <pre>
 * app:1   base (many small text files) · runtime · libs · mixed · deps · app       the cold image
 * app:2   base · runtime · libs · mixed · deps · app2 (new)                        the warm image
 * cN:1    shared small base · unique blob N                                         x10, pulled at once
 * </pre>
 *
 * Big files are seeded random bytes (incompressible, like binaries); small files are text from a
 * small vocabulary (gzip shrinks them about 3x), so both throughput and per-file cost count.
 */
final class BenchImages implements AutoCloseable {

    /** One pushed image and the reference that pulls it. */
    record Pushed(String reference, PushedImage image) {}

    static final int CONCURRENT_IMAGES = 10;

    private final List<Layer> layers = new ArrayList<>();
    private @Nullable Pushed cold;
    private @Nullable Pushed warm;
    private final List<Pushed> concurrent = new ArrayList<>();
    private long concurrentBytes;
    private int coldFiles;

    private BenchImages() {}

    /** Builds every layer under {@code dir} and pushes the images; on failure deletes what it built. */
    static BenchImages build(ImagePullBenchmark.Workload workload, Path dir, Registry registry) {
        BenchImages images = new BenchImages();
        try {
            images.buildAll(workload, dir, registry);
            return images;
        } catch (RuntimeException e) {
            images.close();
            throw e;
        }
    }

    Pushed cold() {
        return Objects.requireNonNull(cold, "cold"); // build() pushed it
    }

    Pushed warm() {
        return Objects.requireNonNull(warm, "warm"); // build() pushed it
    }

    List<Pushed> concurrent() {
        return List.copyOf(concurrent);
    }

    /** Blobs the concurrent images need, each counted once (their shared base too). */
    long concurrentBytes() {
        return concurrentBytes;
    }

    int coldLayers() {
        return cold().image().layerDigests().size();
    }

    /** Regular files in the cold image. */
    int coldFiles() {
        return coldFiles;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (Layer layer : layers) {
            try {
                layer.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        layers.clear();
        if (failure != null) {
            throw failure;
        }
    }

    private void buildAll(ImagePullBenchmark.Workload w, Path dir, Registry registry) {
        long r = w.bulkBytes();
        Tree base = new Tree();
        for (int i = 0; i < w.smallFiles(); i++) {
            int size = 200 + new SplittableRandom(10_000 + i).nextInt(7_800);
            base.text(String.format("usr/share/doc/pkg%03d/file%04d.txt", i / 50, i), size, 10_000 + i);
        }
        base.builder.symlink("bin", "usr/bin");
        Tree runtime = new Tree()
                .random("opt/runtime/lib/server/libjvm.so", r * 30 / 100, 1)
                .random("opt/runtime/lib/modules", r * 15 / 100, 2);
        Tree libs = new Tree();
        for (int i = 0; i < 8; i++) {
            libs.random("usr/lib/x86_64-linux-gnu/libbench" + i + ".so.1", r * 25 / 1000, 100 + i);
        }
        Tree mixed = new Tree();
        for (int i = 0; i < 200; i++) {
            String name = String.format("usr/share/bench/data/%03d", i);
            if (i % 2 == 0) {
                mixed.random(name + ".bin", r / 4000, 200 + i);
            } else {
                mixed.text(name + ".txt", (int) (r / 4000), 200 + i);
            }
        }
        Tree deps = new Tree().random("opt/deps/deps.bin", r * 175 / 1000, 3);
        Tree app = new Tree().random("app/app.bin", r * 15 / 100, 4);
        for (int i = 0; i < 20; i++) {
            app.text("app/config/part" + i + ".yaml", 2_000, 300 + i);
        }
        Tree app2 = new Tree().random("app/app.bin", w.warmLayerBytes(), 5).text("app/config/version.yaml", 100, 5);

        List<Layer> shared = List.of(add(base, dir), add(runtime, dir), add(libs, dir), add(mixed, dir), add(deps, dir));
        cold = push(registry, "bench/app", "1", shared, add(app, dir));
        warm = push(registry, "bench/app", "2", shared, add(app2, dir));
        coldFiles = base.files + runtime.files + libs.files + mixed.files + deps.files + app.files;

        Tree smallBase = new Tree();
        for (int i = 0; i < 200; i++) {
            smallBase.text(String.format("etc/bench/conf%03d", i), 1_000, 20_000 + i);
        }
        Layer concurrentBase = add(smallBase, dir);
        concurrentBytes = concurrentBase.size();
        for (int i = 0; i < CONCURRENT_IMAGES; i++) {
            Layer own = add(new Tree().random("srv/blob" + i + ".bin", w.concurrentLayerBytes(), 1_000 + i), dir);
            Pushed pushed = push(registry, "bench/c" + i, "1", List.of(concurrentBase), own);
            concurrent.add(pushed);
            concurrentBytes += pushed.image().size() - concurrentBase.size();
        }
    }

    private Layer add(Tree tree, Path dir) {
        Layer layer = tree.builder.compression(Layer.Compression.GZIP).build(dir);
        layers.add(layer);
        return layer;
    }

    private static Pushed push(Registry registry, String repository, String tag, List<Layer> lower, Layer top) {
        OciImageBuilder image = OciImageBuilder.create();
        lower.forEach(image::layer);
        image.layer(top).entrypoint("/app/app.bin").env("PATH=/usr/bin:/bin");
        return new Pushed(registry.reference(repository, tag), image.push(registry, repository, tag));
    }

    /** A layer's entries, with each parent directory written once before what it holds, as image builders do. */
    private static final class Tree {
        private final Layer.Builder builder = Layer.builder();
        private final Set<String> dirs = new HashSet<>();
        private int files;

        Tree random(String path, long size, long seed) {
            parents(path);
            builder.randomFile(path, size, seed);
            files++;
            return this;
        }

        Tree text(String path, int size, long seed) {
            parents(path);
            builder.file(path, words(size, seed), 0644, 0, 0);
            files++;
            return this;
        }

        private void parents(String path) {
            for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                String dir = path.substring(0, slash);
                if (dirs.add(dir)) {
                    builder.dir(dir);
                }
            }
        }
    }

    /** Lines of words from a fixed 256-word vocabulary: compressible like source, docs and config. */
    static byte[] words(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder out = new StringBuilder(size + 16);
        while (out.length() < size) {
            int words = 4 + random.nextInt(10);
            for (int i = 0; i < words; i++) {
                out.append(VOCABULARY[random.nextInt(VOCABULARY.length)]).append(i + 1 < words ? ' ' : '\n');
            }
        }
        out.setLength(size);
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static final String[] VOCABULARY = vocabulary();

    private static String[] vocabulary() {
        SplittableRandom random = new SplittableRandom(42);
        String[] words = new String[256];
        for (int i = 0; i < words.length; i++) {
            char[] word = new char[2 + random.nextInt(9)];
            for (int c = 0; c < word.length; c++) {
                word[c] = (char) ('a' + random.nextInt(26));
            }
            words[i] = new String(word);
        }
        return words;
    }
}
