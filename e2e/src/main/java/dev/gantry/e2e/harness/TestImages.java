package dev.gantry.e2e.harness;

import dev.gantry.e2e.fixtures.BusyboxLayer;
import dev.gantry.e2e.fixtures.Layer;
import dev.gantry.e2e.fixtures.OciImageBuilder;
import dev.gantry.e2e.fixtures.PushedImage;
import dev.gantry.e2e.fixtures.RegistryServer;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The images container tests run ({@link TestNode#containers()} pulls them), pushed once per test
 * run to a registry on loopback and closed when the run ends (JUnit's root store): busybox with the
 * applets these tests use, and the same layer with {@code User app} in its config.
 *
 * <pre>
 * e2e/busybox:1       PATH=/bin, Cmd [sh]
 * e2e/busybox-app:1   as above, User app (1000:1000 in the image's /etc/passwd)
 * e2e/busybox-usr1:1  as e2e/busybox, StopSignal SIGUSR1
 * </pre>
 */
public final class TestImages implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    /** Applets added to {@link BusyboxLayer#APPLETS} for container and streaming tests (stty: terminal size). */
    public static final List<String> MORE_APPLETS = List.of("grep", "head", "tail", "wc", "dd", "ps", "nc", "httpd", "wget", "mkdir",
            "touch", "kill", "sed", "tr", "cut", "date", "seq", "test", "[", "timeout", "rm", "mv", "stty");

    private final RegistryServer registry;
    private final Layer layer;
    private final PushedImage busybox;

    private TestImages(RegistryServer registry, Layer layer, PushedImage busybox) {
        this.registry = registry;
        this.layer = layer;
        this.busybox = busybox;
    }

    public static TestImages of(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.create(TestImages.class))
                .getOrComputeIfAbsent("images", key -> push(), TestImages.class);
    }

    private static TestImages push() {
        RegistryServer registry = RegistryServer.anonymous(null);
        Layer layer = null;
        try {
            Layer.Builder builder = BusyboxLayer.builder();
            for (String applet : MORE_APPLETS) {
                builder.symlink("bin/" + applet, "busybox");
            }
            layer = builder.build();
            PushedImage busybox = OciImageBuilder.create().layer(layer).env("PATH=/bin").cmd("sh")
                    .push(registry.registry(), "e2e/busybox", "1");
            // the same image under a second name, as registries hold one image under several repositories
            OciImageBuilder.create().layer(layer).env("PATH=/bin").cmd("sh").push(registry.registry(), "e2e/busybox-alias", "1");
            OciImageBuilder.create().layer(layer).env("PATH=/bin").cmd("sh").user("app")
                    .push(registry.registry(), "e2e/busybox-app", "1");
            OciImageBuilder.create().layer(layer).env("PATH=/bin").cmd("sh").stopSignal("SIGUSR1")
                    .push(registry.registry(), "e2e/busybox-usr1", "1");
            return new TestImages(registry, layer, busybox);
        } catch (RuntimeException e) {
            if (layer != null) {
                layer.close();
            }
            registry.close();
            throw e;
        }
    }

    /** e2e/busybox itself, as pushed: its manifest and config digests. */
    public PushedImage busybox() {
        return busybox;
    }

    /** Every image a container test may run, for pulling them all once the daemon runs. */
    public List<String> refs() {
        return List.of(busyboxRef(), busyboxAppRef(), busyboxUsr1Ref());
    }

    public String busyboxRef() {
        return registry.registry().reference("e2e/busybox", "1");
    }

    /** e2e/busybox pushed again as e2e/busybox-alias: one image, two repositories. */
    public String busyboxAliasRef() {
        return registry.registry().reference("e2e/busybox-alias", "1");
    }

    public String busyboxAliasDigestRef() {
        return registry.registry().digestReference("e2e/busybox-alias", busybox.manifestDigest());
    }

    public String busyboxAppRef() {
        return registry.registry().reference("e2e/busybox-app", "1");
    }

    public String busyboxUsr1Ref() {
        return registry.registry().reference("e2e/busybox-usr1", "1");
    }

    /** {@code host/e2e/busybox@<manifest digest>}: the repo digest a status reports as image_ref. */
    public String busyboxDigestRef() {
        return registry.registry().digestReference("e2e/busybox", busybox.manifestDigest());
    }

    @Override
    public void close() {
        try {
            layer.close();
        } finally {
            registry.close();
        }
    }
}
