package dev.gantry.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.GantryException;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.Mount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CreateContainer's steps over fakes: each step failing in turn undoes every earlier one and leaves nothing. */
class ContainerCreatorTest {

    private static final String ID = "a".repeat(64);

    @TempDir
    Path dir;
    private Lifecycle lc;
    private ContainerCreator creator;

    @BeforeEach
    void setUp() throws Exception {
        lc = new Lifecycle(dir);
        creator = new ContainerCreator(lc.store, lc.system, new ConcurrentHashMap<>(), Runnable::run);
    }

    /** The create steps that can fail before CreateContainer answers, in order, each with how to make it fail. */
    enum Step {
        LEASE(l -> l.images.failNextLease()),
        ROOTFS(l -> l.mounter.failOn(p -> p.endsWith("rootfs"))),
        IMAGE_VOLUME(l -> l.mounter.failOn(p -> p.getParent().endsWith("volumes")));

        final Consumer<Lifecycle> fail;

        Step(Consumer<Lifecycle> fail) {
            this.fail = fail;
        }
    }

    @ParameterizedTest
    @EnumSource(Step.class)
    void create_stepFails_everyEarlierStepUndone(Step step) throws Exception {
        step.fail.accept(lc);

        assertThatThrownBy(() -> create(withImageVolume())).isInstanceOf(GantryException.class)
                .hasMessageContaining("injected failure");

        lc.assertGone(ID);
        assertThat(lc.store.list()).isEmpty();
        assertThat(lc.mounter.mounted()).isEmpty();
        assertThat(lc.images.openLeases()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Step.class)
    void create_afterAFailure_nameIsFreeAgain(Step step) throws Exception {
        step.fail.accept(lc);
        assertThatThrownBy(() -> create(withImageVolume())).isInstanceOf(GantryException.class);
        lc.mounter.failOn(p -> false);

        Container created = create(withImageVolume()).container();

        assertThat(created.state()).isInstanceOf(ContainerState.Created.class);
    }

    /** conmon + runc create runs beyond the call: its failure is the launch's, for StartContainer to report. */
    @ParameterizedTest
    @ValueSource(strings = {"conmon", "runc create"})
    void create_launchFails_recordedCreatedWithTheFailureInItsLaunch(String failing) throws Exception {
        if (failing.equals("conmon")) {
            lc.monitor.failNext();
        } else {
            lc.runtime.failNext("create");
        }

        ContainerCreator.Creation creation = create(withImageVolume());

        assertThat(creation.container().state()).isInstanceOf(ContainerState.Created.class);
        assertThatThrownBy(() -> creation.launch().join()).hasCauseInstanceOf(GantryException.class)
                .hasMessageContaining("injected failure");
        assertThat(lc.runtime.knows(ID)).isFalse();
    }

    @Test
    void create_sysctls_fromTheStoredPodNotTheRequestsSandboxConfig() throws Exception {
        create(Lifecycle.config("app"));

        String spec = Files.readString(lc.paths.bundle(ID).resolve("config.json"));
        assertThat(Lifecycle.podConfig().getLinux().getSysctlsMap()).isEmpty();
        assertThat(spec).contains("\"net.ipv4.ping_group_range\"").contains("\"0 2147483647\"");
    }

    @Test
    void create_allStepsSucceed_createdWithRootfsVolumeSpecAndRuntimeState() throws Exception {
        ContainerCreator.Creation creation = create(withImageVolume());
        Container created = creation.container();

        assertThat(created.state()).isInstanceOf(ContainerState.Created.class);
        assertThat(creation.launch()).succeedsWithin(java.time.Duration.ofSeconds(30));
        assertThat(created.pid()).as("recorded by StartContainer").isZero();
        assertThat(lc.mounter.mounted()).containsExactlyInAnyOrder(lc.paths.rootfs(ID), lc.paths.runDir(ID).resolve("volumes/0"));
        assertThat(lc.paths.bundle(ID).resolve("config.json")).exists();
        assertThat(lc.runtime.state(ID)).hasValueSatisfying(s -> assertThat(s.status()).isEqualTo("created"));
        assertThat(lc.images.openLeases()).isEqualTo(1);
        assertThat(new ContainerStore(lc.paths.containersRoot())).satisfies(fresh -> {
            fresh.load();
            assertThat(fresh.get(ID).state()).isInstanceOf(ContainerState.Created.class);
        });
    }

    private ContainerCreator.Creation create(ContainerConfig config) {
        var pod = lc.pods.pod();
        return creator.create(ID, pod, config, Lifecycle.podConfig(), creator.prepare(pod, config));
    }

    private static ContainerConfig withImageVolume() {
        return Lifecycle.config("app").toBuilder()
                .addMounts(Mount.newBuilder().setContainerPath("/data").setImage(ImageSpec.newBuilder().setImage(FakeImages.IMAGE)))
                .build();
    }
}
