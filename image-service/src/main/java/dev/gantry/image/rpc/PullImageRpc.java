package dev.gantry.image.rpc;

import dev.gantry.common.errors.GantryException;
import dev.gantry.cri.rpc.InvalidRequestException;
import dev.gantry.cri.v1.AuthConfig;
import dev.gantry.cri.v1.PullImageRequest;
import dev.gantry.cri.v1.PullImageResponse;
import dev.gantry.image.ImageManager;
import dev.gantry.image.reference.ImageReference;
import dev.gantry.image.registry.Credentials;
import dev.gantry.image.store.ImageRecord;

/** PullImage: the reference and AuthConfig in, the image id (the config digest) out, as containerd answers. */
public final class PullImageRpc {

    private final ImageManager images;
    private final PodPullFailures podFailures;

    public PullImageRpc(ImageManager images) {
        this(images, PodPullFailures.NONE);
    }

    /** @param podFailures told of failed pulls made for a pod */
    public PullImageRpc(ImageManager images, PodPullFailures podFailures) {
        this.images = images;
        this.podFailures = podFailures;
    }

    PullImageResponse handle(PullImageRequest request) {
        String spec = request.getImage().getImage();
        if (spec.isEmpty()) {
            throw new InvalidRequestException("PullImage needs image.image, the reference to pull");
        }
        ImageRecord image;
        try {
            image = images.pull(ImageReference.parse(spec), credentials(request.getAuth()));
        } catch (GantryException e) {
            if (request.hasSandboxConfig() && request.getSandboxConfig().hasMetadata()) {
                podFailures.failed(request.getSandboxConfig().getMetadata(), spec, e.getMessage());
            }
            throw e;
        }
        return PullImageResponse.newBuilder().setImageRef(image.id().toString()).build();
    }

    static Credentials credentials(AuthConfig auth) {
        return new Credentials(auth.getUsername(), auth.getPassword(), auth.getAuth(), auth.getIdentityToken(), auth.getRegistryToken());
    }
}
