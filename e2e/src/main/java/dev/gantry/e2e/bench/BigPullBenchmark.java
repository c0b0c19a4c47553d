package dev.gantry.e2e.bench;

import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.PullImageRequest;
import dev.gantry.cri.v1.RemoveImageRequest;
import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.e2e.bench.StartupBenchmark.Stats;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.fixtures.BusyboxLayer;
import dev.gantry.e2e.fixtures.Layer;
import dev.gantry.e2e.fixtures.OciImageBuilder;
import dev.gantry.e2e.fixtures.PushedImage;
import dev.gantry.e2e.fixtures.RegistryServer;
import dev.gantry.e2e.harness.GantryDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The cold pull of issue 15's image through a real gantryd, once per inflate engine, beside the
 * floors of its parts measured on the same blobs: a busybox base plus five layers of 40, 36, 32, 28
 * and 24 MiB of seeded random bytes (four files each, gzip: incompressible, so the layers are stored
 * blocks and the pull is bound by download, SHA-256 and writes), and the same shape of compressible
 * text, where the DEFLATE decoder is what counts. Prints one JSON line; nothing passes or fails.
 *
 * <pre>
 * gantry.&lt;engine&gt;.&lt;image&gt;   cold PullImage p50/min/max ms (empty store, after sync), daemon CPU ms per pull
 * containerd.&lt;image&gt;         with BENCH_CONTAINERD=&lt;containerd binary&gt;: the same against that containerd, started
 *                              after gantryd ({@link ContainerdBeside}), its store emptied by its collector before each pull
 * floors.&lt;image&gt;             gzip -d of every layer, sha256sum of every blob, cp of every blob to the
 *                              daemon's disk (+ sync), each run one after the other on one core
 * </pre>
 *
 * <p>Usage: {@code BigPullBenchmark [runs] [engines]} (default 7 and {@code isal,zlib}; the engine
 * {@code default} writes no config, for a gantryd older than {@code image.inflate}). Work files go under /var/tmp.
 */
public final class BigPullBenchmark {

    private static final long MIB = 1L << 20;
    private static final long[] LAYER_MIB = {40, 36, 32, 28, 24};

    private BigPullBenchmark() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        List<String> engines = List.of((args.length > 1 ? args[1] : "isal,zlib").split(","));
        Path work = Files.createTempDirectory(Path.of("/var/tmp"), "gantry-bench-bigpull-");
        List<Layer> layers = new ArrayList<>();
        try (RegistryServer registry = RegistryServer.anonymous(work)) {
            Layer base = BusyboxLayer.build();
            layers.add(base);
            Map<String, Image> images = new LinkedHashMap<>();
            images.put("random", push(registry, "bench/big", base, layers, work, false));
            images.put("text", push(registry, "bench/bigtext", base, layers, work, true));

            StringJoiner json = new StringJoiner(",", "{", "}");
            json.add("\"benchmark\":\"big_pull\"").add("\"runs\":" + runs);
            for (var image : images.entrySet()) {
                json.add(String.format(Locale.ROOT, "\"%s_mib\":%.1f", image.getKey(), image.getValue().pushed().size() / (double) MIB));
            }
            for (String engine : engines) {
                StringJoiner perImage = new StringJoiner(",", "{", "}");
                try (GantryDaemon daemon = GantryDaemon.create()) {
                    if (!engine.equals("default")) {
                        Files.writeString(daemon.configFile(), "[image]\ninflate = \"" + engine + "\"\n");
                    }
                    daemon.startAndAwaitReady();
                    try (CriClient client = CriClient.connect(daemon.socket(), ImagePullBenchmark.PULL_DEADLINE)) {
                        for (var image : images.entrySet()) {
                            perImage.add("\"" + image.getKey() + "\":" + pulls(client, daemon.pid(), image.getValue(), runs));
                        }
                    }
                }
                json.add("\"gantry_" + engine + "\":" + perImage);
            }
            String containerd = System.getenv(ContainerdBeside.ENV);
            if (containerd != null && !containerd.isBlank()) {
                json.add("\"containerd\":" + containerdPulls(Path.of(containerd), registry.host(), work, images, runs));
            }
            StringJoiner floors = new StringJoiner(",", "{", "}");
            for (var image : images.entrySet()) {
                floors.add("\"" + image.getKey() + "\":" + floors(image.getValue(), work, runs));
            }
            json.add("\"floors\":" + floors);
            System.out.println(json);
        } finally {
            for (Layer layer : layers) {
                layer.close();
            }
            ImagePullBenchmark.deleteTree(work);
        }
    }

    private record Image(String reference, PushedImage pushed, List<Layer> layers) {}

    private static Image push(RegistryServer registry, String repository, Layer base, List<Layer> all, Path work, boolean text) {
        OciImageBuilder image = OciImageBuilder.create().layer(base);
        List<Layer> own = new ArrayList<>();
        for (int i = 0; i < LAYER_MIB.length; i++) {
            Layer.Builder builder = Layer.builder().dir("data").dir("data/layer" + (i + 1));
            for (int f = 1; f <= 4; f++) {
                String path = "data/layer" + (i + 1) + "/blob" + f;
                long size = LAYER_MIB[i] * MIB / 4;
                long seed = 1000L * (i + 1) + f;
                builder = text ? builder.file(path, BenchImages.words((int) size, seed), 0644, 0, 0) : builder.randomFile(path, size, seed);
            }
            Layer layer = builder.compression(Layer.Compression.GZIP).build(work);
            all.add(layer);
            own.add(layer);
            image.layer(layer);
        }
        PushedImage pushed = image.entrypoint("/bin/sh").push(registry.registry(), repository, "1");
        return new Image(registry.registry().reference(repository, "1"), pushed, own);
    }

    /** The same cold pulls through containerd's CRI, as {@link #pulls}; its version beside them. */
    private static String containerdPulls(Path binary, String registry, Path work, Map<String, Image> images, int runs)
            throws IOException, InterruptedException {
        StringJoiner perImage = new StringJoiner(",", "{", "}");
        try (ContainerdBeside containerd = ContainerdBeside.start(binary, ContainerdBeside.Setup.pulls(registry, work));
                CriClient client = CriClient.connect(containerd.socket(), ImagePullBenchmark.PULL_DEADLINE)) {
            perImage.add("\"runtime_version\":\"" + client.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeVersion() + "\"");
            for (var image : images.entrySet()) {
                perImage.add("\"" + image.getKey() + "\":" + pulls(client, containerd.pid(), image.getValue(), runs,
                        () -> containerd.awaitEmptyStore(Duration.ofSeconds(60))));
            }
        }
        return perImage.toString();
    }

    /** What makes the runtime's store empty again after a RemoveImage, before the next cold pull. */
    private interface Emptied {
        void await() throws IOException, InterruptedException;
    }

    /** Cold pulls into an empty store, each after sync; returns p50/min/max ms and the daemon's CPU ms per pull. */
    private static String pulls(CriClient client, long pid, Image image, int runs) throws IOException, InterruptedException {
        return pulls(client, pid, image, runs, () -> {}); // gantryd's RemoveImage deletes the layers before it answers
    }

    private static String pulls(CriClient client, long pid, Image image, int runs, Emptied emptied) throws IOException, InterruptedException {
        ImageSpec spec = ImageSpec.newBuilder().setImage(image.reference()).build();
        pullAndRemove(client, spec); // warm-up: JIT, page cache of the registry's blobs
        double[] ms = new double[runs];
        double[] cpu = new double[runs];
        for (int i = 0; i < runs; i++) {
            emptied.await();
            ImagePullBenchmark.settle();
            long cpuBefore = StartupBenchmark.cpuTicks(pid);
            long start = System.nanoTime();
            client.images().pullImage(PullImageRequest.newBuilder().setImage(spec).build());
            ms[i] = (System.nanoTime() - start) / 1e6;
            cpu[i] = (StartupBenchmark.cpuTicks(pid) - cpuBefore) * 10.0; // ticks of 10 ms
            client.images().removeImage(RemoveImageRequest.newBuilder().setImage(spec).build());
        }
        return String.format(Locale.ROOT, "{\"pull_ms\":%s,\"daemon_cpu_ms\":%s}", Stats.of(ms).toJson(), Stats.of(cpu).toJson());
    }

    private static void pullAndRemove(CriClient client, ImageSpec spec) {
        client.images().pullImage(PullImageRequest.newBuilder().setImage(spec).build());
        client.images().removeImage(RemoveImageRequest.newBuilder().setImage(spec).build());
    }

    /** The tools' times for the same bytes, median of {@code runs} each, milliseconds. */
    private static String floors(Image image, Path work, int runs) throws IOException, InterruptedException {
        List<String> blobs = image.layers().stream().map(l -> l.blobFile().toString()).toList();
        String quoted = String.join(" ", blobs);
        Path copy = work.resolve("copy");
        Files.createDirectories(copy);
        String gunzip = "for f in " + quoted + "; do gzip -dc \"$f\" >/dev/null; done";
        String sha = "sha256sum " + quoted + " >/dev/null";
        String cp = "i=0; for f in " + quoted + "; do i=$((i+1)); cp \"$f\" " + copy + "/$i; done; sync; rm -f " + copy + "/*";
        return String.format(Locale.ROOT, "{\"gzip_d_ms\":%s,\"sha256sum_ms\":%s,\"cp_sync_ms\":%s}",
                Stats.of(time(gunzip, runs)).toJson(), Stats.of(time(sha, runs)).toJson(), Stats.of(time(cp, runs)).toJson());
    }

    private static double[] time(String script, int runs) throws IOException, InterruptedException {
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            ImagePullBenchmark.settle();
            long start = System.nanoTime();
            Process p = new ProcessBuilder("sh", "-c", script).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IOException("floor failed: " + script);
            }
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        return ms;
    }
}
