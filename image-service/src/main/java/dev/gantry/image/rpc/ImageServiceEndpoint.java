package dev.gantry.image.rpc;

import dev.gantry.cri.rpc.InlineCalls;
import dev.gantry.cri.rpc.Streaming;
import dev.gantry.cri.rpc.Unary;
import dev.gantry.cri.v1.ImageFsInfoRequest;
import dev.gantry.cri.v1.ImageFsInfoResponse;
import dev.gantry.cri.v1.ImageServiceGrpc;
import dev.gantry.cri.v1.ImageStatusRequest;
import dev.gantry.cri.v1.ImageStatusResponse;
import dev.gantry.cri.v1.ListImagesRequest;
import dev.gantry.cri.v1.ListImagesResponse;
import dev.gantry.cri.v1.PullImageRequest;
import dev.gantry.cri.v1.PullImageResponse;
import dev.gantry.cri.v1.RemoveImageRequest;
import dev.gantry.cri.v1.RemoveImageResponse;
import dev.gantry.cri.v1.StreamImagesRequest;
import dev.gantry.cri.v1.StreamImagesResponse;
import io.grpc.stub.StreamObserver;

/** The CRI ImageService as served on the socket: each method hands its request to one {@code *Rpc}. */
public final class ImageServiceEndpoint extends ImageServiceGrpc.ImageServiceImplBase {

    /** Images per StreamImages message: a few hundred bytes each, far below the message limit. */
    private static final int STREAM_BATCH = 500;

    private final PullImageRpc pull;
    private final ImageStatusRpc status;
    private final ListImagesRpc list;
    private final RemoveImageRpc remove;
    private final ImageFsInfoRpc fsInfo;

    public ImageServiceEndpoint(PullImageRpc pull, ImageStatusRpc status, ListImagesRpc list, RemoveImageRpc remove, ImageFsInfoRpc fsInfo) {
        this.pull = pull;
        this.status = status;
        this.list = list;
        this.remove = remove;
        this.fsInfo = fsInfo;
    }

    @Override
    public void pullImage(PullImageRequest request, StreamObserver<PullImageResponse> response) {
        Unary.call("PullImage", request.getImage().getImage(), response, () -> pull.handle(request));
    }

    /** On the connection's event loop (asked before every container), unless verbose: that reads the image config. */
    @Override
    public void imageStatus(ImageStatusRequest request, StreamObserver<ImageStatusResponse> response) {
        InlineCalls.run(request.getVerbose(), "cri-verbose-image-status",
                () -> Unary.call("ImageStatus", request.getImage().getImage(), response, () -> status.handle(request)));
    }

    @Override
    public void listImages(ListImagesRequest request, StreamObserver<ListImagesResponse> response) {
        Unary.call("ListImages", "", response,
                () -> ListImagesResponse.newBuilder().addAllImages(list.handle(request.getFilter())).build());
    }

    @Override
    public void streamImages(StreamImagesRequest request, StreamObserver<StreamImagesResponse> response) {
        Streaming.call("StreamImages", response, STREAM_BATCH, () -> list.handle(request.getFilter()),
                batch -> StreamImagesResponse.newBuilder().addAllImages(batch).build());
    }

    @Override
    public void removeImage(RemoveImageRequest request, StreamObserver<RemoveImageResponse> response) {
        Unary.call("RemoveImage", request.getImage().getImage(), response, () -> remove.handle(request));
    }

    @Override
    public void imageFsInfo(ImageFsInfoRequest request, StreamObserver<ImageFsInfoResponse> response) {
        Unary.call("ImageFsInfo", "", response, fsInfo::handle);
    }
}
