package dev.gantry.image.unpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

class TarReaderTest {

    @Test
    void next_gnuLongNameAndLongLink_areFoldedIntoTheEntry() throws IOException {
        String name = "n".repeat(300);
        String target = "t".repeat(200);
        byte[] tar = new TarBuilder(TarArchiveOutputStream.LONGFILE_GNU, TarArchiveOutputStream.BIGNUMBER_STAR)
                .symlink(name, target)
                .bytes();

        List<TarEntry> entries = readAll(tar);

        assertThat(entries).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo(name);
            assertThat(e.linkName()).isEqualTo(target);
            assertThat(e.type()).isEqualTo(TarEntry.Type.SYMLINK);
        });
    }

    @Test
    void next_paxPathAndLinkpath_overrideTheHeader() throws IOException {
        byte[] tar = new RawTar()
                .pax('x', RawTar.record("path", "from/pax"), RawTar.record("linkpath", "target/from/pax"))
                .header("short", '2', 0, 0777, "short-target")
                .end();

        TarEntry e = readAll(tar).get(0);

        assertThat(e.name()).isEqualTo("from/pax");
        assertThat(e.linkName()).isEqualTo("target/from/pax");
    }

    @Test
    void next_globalPax_appliesToLaterEntriesAndLocalValuesWin() throws IOException {
        byte[] tar = new RawTar()
                .pax('g', RawTar.record("uid", "5"), RawTar.record("SCHILY.xattr.user.g", "global"))
                .file("a", "1")
                .pax('x', RawTar.record("uid", "6"))
                .file("b", "2")
                .end();

        List<TarEntry> entries = readAll(tar);

        assertThat(entries).extracting(TarEntry::uid).containsExactly(5, 6);
        assertThat(entries.get(1).xattrs().get("user.g")).isEqualTo("global".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void next_paxTimes_keepNanosecondsAndNegativeFractions() throws IOException {
        byte[] tar = new RawTar()
                .pax('x', RawTar.record("mtime", "1577934245.123456789"), RawTar.record("atime", "-1.5"))
                .file("a", "")
                .end();

        TarEntry e = readAll(tar).get(0);

        assertThat(e.modified()).isEqualTo(Instant.ofEpochSecond(1577934245L, 123456789));
        assertThat(e.accessed()).isEqualTo(Instant.ofEpochSecond(-2, 500_000_000));
    }

    @Test
    void next_withoutPaxAtime_accessTimeIsModificationTime() throws IOException {
        TarEntry e = readAll(new RawTar().file("a", "").end()).get(0);

        assertThat(e.accessed()).isEqualTo(TarBuilder.TIME).isEqualTo(e.modified());
    }

    @Test
    void next_base256Numbers_areDecoded() throws IOException {
        byte[] tar = new RawTar()
                .file("a", "")
                .patch(108, new byte[] {(byte) 0x80, 0, 0, 0, 0, 0x20, 0x0b, 0x20}) // uid 2100000
                .patch(136, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                    (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe}) // mtime -2
                .end();

        TarEntry e = readAll(tar).get(0);

        assertThat(e.uid()).isEqualTo(2_100_000);
        assertThat(e.modified()).isEqualTo(Instant.ofEpochSecond(-2));
    }

    @Test
    void next_ustarPrefix_isJoinedToTheName() throws IOException {
        byte[] tar = new RawTar().file("name", "").patch(345, "some/prefix".getBytes(StandardCharsets.US_ASCII)).end();

        assertThat(readAll(tar).get(0).name()).isEqualTo("some/prefix/name");
    }

    @Test
    void next_gnuOrV7Magic_prefixFieldIsNotAName() throws IOException {
        byte[] gnu = new RawTar().file("name", "")
                .patch(257, "ustar  \0".getBytes(StandardCharsets.US_ASCII))
                .patch(345, "atime-bytes".getBytes(StandardCharsets.US_ASCII))
                .end();
        byte[] v7 = new RawTar().file("name", "")
                .patch(257, new byte[8])
                .patch(345, "junk".getBytes(StandardCharsets.US_ASCII))
                .end();

        assertThat(readAll(gnu).get(0).name()).isEqualTo("name");
        assertThat(readAll(v7).get(0).name()).isEqualTo("name");
    }

    @Test
    void next_sizeOfHeaderOnlyTypes_isIgnoredAsInGo() throws IOException {
        byte[] tar = new RawTar().header("l", '2', 1024, 0777, "t").file("after", "x").end();

        assertThat(readAll(tar)).extracting(TarEntry::name).containsExactly("l", "after");
    }

    @Test
    void next_oldRegularFileWithTrailingSlash_isADirectory() throws IOException {
        assertThat(readAll(new RawTar().header("d/", '\0', 0, 0755, "").end()).get(0).type())
                .isEqualTo(TarEntry.Type.DIRECTORY);
    }

    @Test
    void next_contentNotRead_isSkipped() throws IOException {
        byte[] tar = new RawTar().file("a", "x".repeat(1000)).file("b", "y").end();
        TarReader reader = new TarReader(new ByteArrayInputStream(tar));

        assertThat(reader.next().name()).isEqualTo("a");
        TarEntry b = reader.next();
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        reader.copyContent(Channels.newChannel(content));

        assertThat(b.name()).isEqualTo("b");
        assertThat(content.toString(StandardCharsets.UTF_8)).isEqualTo("y");
        assertThat(reader.next()).isNull();
        assertThat(reader.drain()).isEqualTo(tar.length);
    }

    @Test
    void next_archiveWithoutEndMarker_endsCleanly() throws IOException {
        byte[] tar = new RawTar().file("a", "x").end();
        byte[] noMarker = Arrays.copyOf(tar, tar.length - 1024);

        assertThat(readAll(noMarker)).hasSize(1);
    }

    @Test
    void next_partialHeader_isTruncation() {
        byte[] tar = Arrays.copyOf(new RawTar().file("a", "x").end(), 1024 + 100);

        assertThatThrownBy(() -> readAll(tar)).isInstanceOf(EOFException.class).hasMessageContaining("inside a header");
    }

    @Test
    void next_sparseOrUnknownTypes_areRefused() {
        byte[] sparse = new RawTar().header("s", 'S', 0, 0644, "").end();
        byte[] paxSparse = new RawTar().pax('x', RawTar.record("GNU.sparse.major", "1")).file("s", "").end();
        byte[] unknown = new RawTar().header("z", 'Z', 0, 0644, "").end();

        assertThatThrownBy(() -> readAll(sparse)).isInstanceOf(LayerRejectedException.class)
                .hasMessage("apply layer entry \"s\": refused, sparse files are not supported");
        assertThatThrownBy(() -> readAll(paxSparse)).isInstanceOf(LayerRejectedException.class)
                .hasMessageContaining("sparse files are not supported");
        assertThatThrownBy(() -> readAll(unknown)).isInstanceOf(LayerRejectedException.class)
                .hasMessage("apply layer entry \"z\": refused, unsupported tar entry type 'Z'");
    }

    @Test
    void next_malformedFields_areRefused() {
        byte[] badOctal = new RawTar().file("a", "").patch(100, "0000x44\0".getBytes(StandardCharsets.US_ASCII)).end();
        byte[] badPax = new RawTar().pax('x', "99 path=x\n".getBytes(StandardCharsets.US_ASCII)).file("a", "").end();
        byte[] badUid = new RawTar().pax('x', RawTar.record("uid", "4294967295")).file("a", "").end();
        byte[] negativeSize = new RawTar().pax('x', RawTar.record("size", "-5")).file("a", "").end();
        byte[] badChecksum = new RawTar().file("a", "").end();
        badChecksum[0] ^= 1;

        assertThatThrownBy(() -> readAll(badOctal)).hasMessageContaining("header field mode is not an octal number");
        assertThatThrownBy(() -> readAll(badPax)).hasMessageContaining("malformed PAX record");
        assertThatThrownBy(() -> readAll(badUid)).hasMessageContaining("owner 4294967295:0 is out of range");
        assertThatThrownBy(() -> readAll(negativeSize)).hasMessageContaining("negative PAX size -5");
        assertThatThrownBy(() -> readAll(badChecksum)).hasMessageContaining("bad header checksum at offset 0");
    }

    private static List<TarEntry> readAll(byte[] tar) throws IOException {
        TarReader reader = new TarReader(new ByteArrayInputStream(tar));
        List<TarEntry> entries = new ArrayList<>();
        for (TarEntry e = reader.next(); e != null; e = reader.next()) {
            entries.add(e);
        }
        return entries;
    }
}
