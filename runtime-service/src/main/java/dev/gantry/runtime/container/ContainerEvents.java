package dev.gantry.runtime.container;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans container events out to GetContainerEvents subscribers. Publishing happens in the order the
 * changes were recorded, on the thread that recorded them; a subscriber must not block (a gRPC
 * stream buffers), and one that throws is dropped so it cannot stop the others.
 */
public final class ContainerEvents {

    private static final Logger log = LoggerFactory.getLogger(ContainerEvents.class);

    /** Ends a subscription. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private final CopyOnWriteArrayList<Consumer<ContainerEvent>> subscribers = new CopyOnWriteArrayList<>();

    public Subscription subscribe(Consumer<ContainerEvent> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    public void publish(ContainerEvent event) {
        for (Consumer<ContainerEvent> subscriber : subscribers) {
            try {
                subscriber.accept(event);
            } catch (RuntimeException e) {
                log.warn("dropping a container event subscriber that failed on {} of {}: {}",
                        event.type(), event.container().id(), e.toString());
                subscribers.remove(subscriber);
            }
        }
    }

    public int subscriberCount() {
        return subscribers.size();
    }
}
