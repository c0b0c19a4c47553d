package dev.gantry.runtime.oci;

/** The contract against the fake the container lifecycle tests use. */
class FakeOciRuntimeTest extends OciRuntimeContract {

    private final FakeOciRuntime runtime = new FakeOciRuntime();
    private int created;

    @Override
    protected OciRuntime runtime() {
        return runtime;
    }

    @Override
    protected String createdContainer() {
        String id = "fake-" + ++created;
        runtime.create(id);
        return id;
    }
}
