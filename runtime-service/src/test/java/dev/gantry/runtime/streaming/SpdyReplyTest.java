package dev.gantry.runtime.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Go's SPDY framer (moby/spdystream, inside kubectl, crictl and critest) reads a SYN_REPLY's
 * header block as a compressed pair count plus pairs and fails on an empty one, which Netty
 * writes for a reply without headers; its client then waits for the reply forever.
 */
class SpdyReplyTest {

    @Test
    void synReply_alwaysCarriesAHeaderBlock() {
        var encoder = new EmbeddedChannel(UpgradeHandler.spdyCodec());
        SpdySynReplyFrame reply = SpdyConnection.synReply(3, Map.of(SpdyConnection.STREAM_TYPE, "stdout"));

        encoder.writeOutbound(reply);
        ByteBuf wire = encoder.readOutbound();

        // Control frame: 2 bytes version, 2 bytes type (2 = SYN_REPLY), 1 byte flags, 3 bytes length.
        assertThat(wire.getUnsignedShort(2)).isEqualTo(2);
        int length = wire.getUnsignedMedium(5);
        assertThat(length).as("stream id plus a non-empty header block").isGreaterThan(4);

        var decoder = new EmbeddedChannel(UpgradeHandler.spdyCodec());
        decoder.writeInbound(wire);
        SpdySynReplyFrame decoded = decoder.readInbound();
        assertThat(decoded.streamId()).isEqualTo(3);
        assertThat(decoded.headers().get(SpdyConnection.STREAM_TYPE)).hasToString("stdout");
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
    }

    @Test
    void synReply_withoutAStreamType_stillHasOneHeader() {
        SpdySynReplyFrame reply = SpdyConnection.synReply(5, Map.of());

        assertThat(reply.headers().isEmpty()).isFalse();
    }
}
