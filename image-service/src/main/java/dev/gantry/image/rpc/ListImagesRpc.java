package dev.gantry.image.rpc;

import dev.gantry.cri.v1.Image;
import dev.gantry.cri.v1.ImageFilter;
import dev.gantry.image.ImageManager;
import java.util.Comparator;
import java.util.List;

/**
 * ListImages and StreamImages: every image, or with a filter the one image its spec names (by id, tag or
 * digest, as ImageStatus resolves it). Answered from memory.
 */
public final class ListImagesRpc {

    private final ImageManager images;
    private final ImageMessages messages;

    public ListImagesRpc(ImageManager images) {
        this.images = images;
        this.messages = new ImageMessages(images);
    }

    List<Image> handle(ImageFilter filter) {
        String spec = filter.getImage().getImage();
        if (!spec.isEmpty()) {
            return images.find(spec).map(messages::toProto).stream().toList();
        }
        return images.list().stream()
                .sorted(Comparator.comparing(r -> r.id().toString()))
                .map(messages::toProto)
                .toList();
    }
}
