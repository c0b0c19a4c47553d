package dev.gantry.image.rpc;

import dev.gantry.cri.v1.Image;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.Int64Value;
import dev.gantry.image.ImageManager;
import dev.gantry.image.store.ImageRecord;

/** Builds the CRI Image message of a record; the one place both ImageStatus and ListImages use. */
final class ImageMessages {

    private final ImageManager images;

    ImageMessages(ImageManager images) {
        this.images = images;
    }

    Image toProto(ImageRecord record) {
        Image.Builder image = Image.newBuilder()
                .setId(record.id().toString())
                .addAllRepoTags(record.repoTags())
                .addAllRepoDigests(record.repoDigests())
                .setSize(record.size())
                .setSpec(ImageSpec.newBuilder().setImage(record.id().toString()).putAllAnnotations(record.annotations()))
                .setPinned(images.isPinned(record));
        record.uid().ifPresent(uid -> image.setUid(Int64Value.newBuilder().setValue(uid)));
        record.username().ifPresent(image::setUsername);
        return image.build();
    }
}
