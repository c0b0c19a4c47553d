package dev.gantry.image.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.common.store.StorageFailedException;
import dev.gantry.cri.rpc.InvalidRequestException;
import dev.gantry.cri.v1.ImageStatusRequest;
import dev.gantry.cri.v1.ImageStatusResponse;
import dev.gantry.image.ImageManager;
import dev.gantry.image.oci.Json;
import dev.gantry.image.store.ImageRecord;
import java.io.IOException;
import java.util.Optional;

/**
 * ImageStatus: an absent image is an empty answer, not an error (the kubelet asks before every pull).
 * Verbose info carries, under "info", the image config as the registry served it with the chain ID.
 */
public final class ImageStatusRpc {

    private final ImageManager images;
    private final ImageMessages messages;

    public ImageStatusRpc(ImageManager images) {
        this.images = images;
        this.messages = new ImageMessages(images);
    }

    ImageStatusResponse handle(ImageStatusRequest request) {
        String spec = request.getImage().getImage();
        if (spec.isEmpty()) {
            throw new InvalidRequestException("ImageStatus needs image.image, an image id or reference");
        }
        Optional<ImageRecord> found = images.find(spec);
        if (found.isEmpty()) {
            return ImageStatusResponse.getDefaultInstance();
        }
        ImageStatusResponse.Builder response = ImageStatusResponse.newBuilder().setImage(messages.toProto(found.get()));
        if (request.getVerbose()) {
            response.putInfo("info", verboseInfo(found.get()));
        }
        return response.build();
    }

    private String verboseInfo(ImageRecord image) {
        try {
            ObjectNode info = Json.mapper().createObjectNode();
            info.put("manifestDigest", image.manifestDigest().toString());
            if (!image.chainIds().isEmpty()) {
                info.put("chainID", image.chainIds().get(image.chainIds().size() - 1).toString());
            }
            info.set("imageSpec", Json.mapper().readTree(images.config(image)));
            return Json.mapper().writeValueAsString(info);
        } catch (IOException e) {
            throw new StorageFailedException("image " + image.id() + ": config is not readable JSON: " + e.getMessage(), e);
        }
    }
}
