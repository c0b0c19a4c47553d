package dev.gantry.runtime.node;

/**
 * A running node agent. It reconciles in the background: {@link #update} and the {@link NodeEvents}
 * calls only hand their news to it, and {@link #close} stops it.
 */
public interface NodeAgent extends NodeEvents, AutoCloseable {

    /** The node offers this now (after a reload): labels and RuntimeClasses follow. */
    void update(NodeFacts facts);

    @Override
    void close();
}
