package dev.gantry.e2e.bench;

import dev.gantry.cri.v1.ImageFsInfoRequest;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.ListImagesRequest;
import dev.gantry.cri.v1.PullImageRequest;
import dev.gantry.cri.v1.RemoveImageRequest;
import dev.gantry.e2e.bench.StartupBenchmark.Stats;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.fixtures.RegistryServer;
import dev.gantry.e2e.harness.GantryDaemon;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Image pull and unpack through a real gantryd, from Debian's docker-registry on loopback, against
 * {@code skopeo copy} + {@code umoci unpack} of the same image. Prints one JSON line. Not a test:
 * nothing here passes or fails on the numbers.
 *
 * <pre>
 * cold         app:1 (~200 MB gzip, 6 layers) into an empty store          MB/s = compressed bytes / s
 * warm         app:2 with app:1 present: 5 layers shared, 1 new (~20 MB)
 * concurrent10 10 images (shared small base + ~20 MB each) from 10 threads at once, empty store
 * baseline     skopeo copy to an OCI layout, then umoci unpack; ratio = baseline p50 / cold p50 (&gt; 1: Gantry faster)
 * </pre>
 *
 * One daemon serves every Gantry run, as on a node: its JIT is warmed by one unmeasured pull, and
 * between runs RemoveImage empties the store again (checked through ListImages and ImageFsInfo, so a
 * leak fails the benchmark rather than flattering it). Baseline runs alternate with the cold pulls
 * and every timed run starts after {@code sync}, so both sides of the ratio see the same disk.
 * MB are 10^6 bytes.
 *
 * <p>Usage: {@code ImagePullBenchmark [runs] [standard|small]} (default 5, standard). Layers,
 * registry and baseline directories go under /var/tmp (the daemon's root under java.io.tmpdir) and
 * are deleted at the end.
 */
public final class ImagePullBenchmark {

    /** How long one PullImage may take; the kubelet gives image pulls far longer than other calls. */
    static final Duration PULL_DEADLINE = Duration.ofMinutes(10);

    /** How big the images are. */
    public record Workload(String name, int smallFiles, long bulkBytes, long warmLayerBytes, long concurrentLayerBytes) {

        /** ~200 MB compressed over 6 layers, 5,000 small files; 20 MB new in the warm image; 10 x 20 MB at once. */
        public static Workload standard() {
            return new Workload("standard", 5_000, 190_000_000L, 20_000_000L, 20_000_000L);
        }

        /** The same shapes, small enough for a smoke test. */
        public static Workload small() {
            return new Workload("small", 300, 6_000_000L, 1_000_000L, 500_000L);
        }

        static Workload named(String name) {
            return switch (name) {
                case "standard" -> standard();
                case "small" -> small();
                default -> throw new IllegalArgumentException("workload is standard or small, got " + name);
            };
        }
    }

    /** The summary printed as JSON; seconds unless named otherwise. */
    public record Result(int runs, Workload workload, double imageMb, int layers, int files, Stats coldSeconds,
            double warmNewMb, Stats warmSeconds, double concurrentMb, Stats concurrentSeconds,
            Stats skopeoSeconds, Stats umociSeconds, Stats baselineSeconds, double daemonRssMib, double daemonRssPeakMib) {

        public double coldMbPerSecond() {
            return imageMb / coldSeconds.p50();
        }

        public double concurrentMbPerSecond() {
            return concurrentMb / concurrentSeconds.p50();
        }

        /** Baseline median over Gantry's cold median: above 1 Gantry is faster. */
        public double ratioVsSkopeoUmoci() {
            return baselineSeconds.p50() / coldSeconds.p50();
        }

        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"benchmark\":\"image_pull\",\"runs\":%d,\"workload\":\"%s\",\"java\":\"%s\",\"image_mb\":%.1f,\"layers\":%d,"
                            + "\"files\":%d,\"cold_s\":%s,\"cold_mb_s\":%.1f,\"warm_new_mb\":%.1f,\"warm_s\":%s,"
                            + "\"concurrent_images\":%d,\"concurrent_mb\":%.1f,\"concurrent10_s\":%s,\"concurrent10_mb_s\":%.1f,"
                            + "\"baseline\":{\"skopeo_s\":%s,\"umoci_s\":%s,\"total_s\":%s},\"ratio_vs_skopeo_umoci\":%.2f,"
                            + "\"daemon_rss_mib\":%.1f,\"daemon_rss_peak_mib\":%.1f}",
                    runs, workload.name(), System.getProperty("java.version"), imageMb, layers, files,
                    seconds(coldSeconds), coldMbPerSecond(), warmNewMb, seconds(warmSeconds),
                    BenchImages.CONCURRENT_IMAGES, concurrentMb, seconds(concurrentSeconds), concurrentMbPerSecond(),
                    seconds(skopeoSeconds), seconds(umociSeconds), seconds(baselineSeconds), ratioVsSkopeoUmoci(),
                    daemonRssMib, daemonRssPeakMib);
        }

        /** Stats.toJson has one decimal, right for milliseconds; seconds want three. */
        private static String seconds(Stats s) {
            return String.format(Locale.ROOT, "{\"min\":%.3f,\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f}", s.min(), s.p50(), s.p99(), s.max());
        }
    }

    /** What the Gantry runs measured. */
    private record GantryRuns(double[] cold, List<SkopeoUmociBaseline.Sample> baseline, double[] warm, double[] concurrent,
            double rssMib, double rssPeakMib) {}

    private ImagePullBenchmark() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Workload workload = Workload.named(args.length > 1 ? args[1] : "standard");
        System.out.println(measure(runs, workload).toJson());
    }

    public static Result measure(int runs) throws IOException, InterruptedException {
        return measure(runs, Workload.standard());
    }

    public static Result measure(int runs, Workload workload) throws IOException, InterruptedException {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1, got " + runs);
        }
        Path work = Files.createTempDirectory(scratch(), "gantry-bench-pull-");
        try (RegistryServer registry = RegistryServer.anonymous(work);
                BenchImages images = BenchImages.build(workload, work, registry.registry())) {
            GantryRuns gantry = gantry(runs, images, work);
            List<SkopeoUmociBaseline.Sample> baseline = gantry.baseline();
            return new Result(runs, workload, images.cold().image().size() / 1e6, images.coldLayers(), images.coldFiles(),
                    Stats.of(gantry.cold()), workload.warmLayerBytes() / 1e6, Stats.of(gantry.warm()),
                    images.concurrentBytes() / 1e6, Stats.of(gantry.concurrent()),
                    Stats.of(baseline.stream().mapToDouble(SkopeoUmociBaseline.Sample::skopeoSeconds).toArray()),
                    Stats.of(baseline.stream().mapToDouble(SkopeoUmociBaseline.Sample::umociSeconds).toArray()),
                    Stats.of(baseline.stream().mapToDouble(SkopeoUmociBaseline.Sample::totalSeconds).toArray()),
                    gantry.rssMib(), gantry.rssPeakMib());
        } finally {
            deleteTree(work);
        }
    }

    /**
     * Every run on one daemon. Cold pulls alternate with baseline runs, and each timed run starts
     * after {@code sync}, so a slow patch of the disk or writeback left by the previous run falls on
     * both sides of the ratio alike.
     */
    private static GantryRuns gantry(int runs, BenchImages images, Path work) throws InterruptedException, IOException {
        try (GantryDaemon daemon = GantryDaemon.create().startAndAwaitReady();
                CriClient client = CriClient.connect(daemon.socket(), PULL_DEADLINE)) {
            try {
                long empty = usedBytes(client);
                BenchImages.Pushed cold = images.cold();
                pull(client, cold); // warm-up: the daemon's JIT, the registry's page cache
                removeAndCheck(client, List.of(cold), 0, empty);
                SkopeoUmociBaseline.run(cold.reference(), work); // warm-up: the tools' binaries in the page cache

                double[] coldSeconds = new double[runs];
                List<SkopeoUmociBaseline.Sample> baseline = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    settle();
                    coldSeconds[i] = pull(client, cold);
                    removeAndCheck(client, List.of(cold), 0, empty);
                    settle();
                    baseline.add(SkopeoUmociBaseline.run(cold.reference(), work));
                }

                pull(client, cold);
                long withBase = usedBytes(client);
                double[] warmSeconds = new double[runs];
                for (int i = 0; i < runs; i++) {
                    settle();
                    warmSeconds[i] = pull(client, images.warm());
                    removeAndCheck(client, List.of(images.warm()), 1, withBase);
                }
                removeAndCheck(client, List.of(cold), 0, empty);

                double[] concurrentSeconds = new double[runs];
                for (int i = 0; i < runs; i++) {
                    settle();
                    concurrentSeconds[i] = pullAtOnce(client, images.concurrent());
                    removeAndCheck(client, images.concurrent(), 0, empty);
                }
                // the daemon gives its heap back once pulls have been quiet for a while; read RSS after that
                Thread.sleep(IDLE_AFTER_PULLS.toMillis());
                return new GantryRuns(coldSeconds, baseline, warmSeconds, concurrentSeconds,
                        StartupBenchmark.rssMib(daemon.pid()), peakRssMib(daemon.pid()));
            } catch (RuntimeException e) {
                throw new IllegalStateException(e.getMessage() + "\n--- gantryd output (last 4000 chars) ---\n" + tail(daemon.output()), e);
            }
        }
    }

    /** PullImage until it returns; checks the answer is the image pushed, and returns the seconds it took. */
    private static double pull(CriClient client, BenchImages.Pushed image) {
        long start = System.nanoTime();
        String id = client.images().pullImage(PullImageRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(image.reference())).build()).getImageRef();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!id.equals(image.image().configDigest())) {
            throw new IllegalStateException("PullImage " + image.reference() + " answered " + id + ", expected " + image.image().configDigest());
        }
        return seconds;
    }

    /** All images pulled from their own threads, released together; seconds until the last returns. */
    private static double pullAtOnce(CriClient client, List<BenchImages.Pushed> images) throws InterruptedException {
        ExecutorService threads = Executors.newFixedThreadPool(images.size());
        try {
            CountDownLatch ready = new CountDownLatch(images.size());
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> pulls = new ArrayList<>();
            for (BenchImages.Pushed image : images) {
                pulls.add(threads.submit(() -> {
                    ready.countDown();
                    go.await();
                    return pull(client, image);
                }));
            }
            ready.await();
            long start = System.nanoTime();
            go.countDown();
            for (Future<?> pull : pulls) {
                try {
                    pull.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * RemoveImage for each, then waits until the daemon lists {@code imagesLeft} images and its
     * image filesystem is back to {@code usedBytes}: the next pull starts from that store, nothing more.
     */
    private static void removeAndCheck(CriClient client, List<BenchImages.Pushed> images, int imagesLeft, long usedBytes)
            throws InterruptedException {
        for (BenchImages.Pushed image : images) {
            client.images().removeImage(RemoveImageRequest.newBuilder()
                    .setImage(ImageSpec.newBuilder().setImage(image.reference())).build());
        }
        Instant giveUp = Instant.now().plusSeconds(30);
        while (true) {
            int listed = client.images().listImages(ListImagesRequest.getDefaultInstance()).getImagesCount();
            long used = usedBytes(client);
            if (listed == imagesLeft && used == usedBytes) {
                return;
            }
            if (Instant.now().isAfter(giveUp)) {
                throw new IllegalStateException("after RemoveImage of " + images.size() + " image(s) the daemon still lists " + listed
                        + " (expected " + imagesLeft + ") and uses " + used + " bytes (expected " + usedBytes + ")");
            }
            Thread.sleep(50);
        }
    }

    private static long usedBytes(CriClient client) {
        return client.images().imageFsInfo(ImageFsInfoRequest.getDefaultInstance()).getImageFilesystemsList().stream()
                .mapToLong(fs -> fs.getUsedBytes().getValue())
                .sum();
    }

    /** Flushes dirty pages, so writeback from the previous run is not charged to the next. */
    static void settle() throws IOException, InterruptedException {
        Process sync = new ProcessBuilder("sync").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (sync.waitFor() != 0) {
            throw new IOException("sync exited " + sync.exitValue());
        }
    }

    /** How long the daemon idles after the last pull before its RSS is read. */
    static final Duration IDLE_AFTER_PULLS = Duration.ofSeconds(5);

    /** Peak resident set size of a process (VmHWM), from /proc/PID/status. */
    private static double peakRssMib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IOException("no VmHWM for pid " + pid);
    }

    /** /var/tmp when there is one: /tmp is a small tmpfs on many hosts, and the image is hundreds of MB. */
    private static Path scratch() {
        Path varTmp = Path.of("/var/tmp");
        return Files.isDirectory(varTmp) && Files.isWritable(varTmp) ? varTmp : Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("clean up " + dir, e);
        }
    }
}
