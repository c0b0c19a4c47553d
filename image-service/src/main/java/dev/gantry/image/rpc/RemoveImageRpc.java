package dev.gantry.image.rpc;

import dev.gantry.cri.rpc.InvalidRequestException;
import dev.gantry.cri.v1.RemoveImageRequest;
import dev.gantry.cri.v1.RemoveImageResponse;
import dev.gantry.image.ImageManager;

/** RemoveImage by id, tag or digest: the whole image goes, with all its references; absent answers OK. */
public final class RemoveImageRpc {

    private final ImageManager images;

    public RemoveImageRpc(ImageManager images) {
        this.images = images;
    }

    RemoveImageResponse handle(RemoveImageRequest request) {
        String spec = request.getImage().getImage();
        if (spec.isEmpty()) {
            throw new InvalidRequestException("RemoveImage needs image.image, an image id or reference");
        }
        images.remove(spec);
        return RemoveImageResponse.getDefaultInstance();
    }
}
