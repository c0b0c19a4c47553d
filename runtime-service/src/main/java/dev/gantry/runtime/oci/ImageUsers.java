package dev.gantry.runtime.oci;

import static dev.gantry.runtime.oci.SpecErrors.invalid;

import dev.gantry.common.errors.GantryException;
import dev.gantry.common.fs.RootPath;
import dev.gantry.cri.v1.LinuxContainerSecurityContext;
import dev.gantry.cri.v1.SupplementalGroupsPolicy;
import dev.gantry.runtime.errors.ContainerSetupFailedException;
import dev.gantry.runtime.errors.InvalidContainerConfigException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The uid, gid and supplemental groups of a container's first process, from the security context
 * or the image's User, with names looked up in the image's own /etc/passwd and /etc/group (read
 * inside the rootfs: the image's files, never the node's).
 *
 * <p>Precedence, as the kubelet expects: run_as_username, else run_as_user, else the image's User
 * ({@code name}, {@code uid}, {@code uid:gid}, {@code name:group}, {@code uid:group}). A user
 * without a group gets the primary gid from /etc/passwd, or 0 when passwd does not list it;
 * run_as_group overrides the gid. Supplemental groups are the primary gid, the requested ones and,
 * with the Merge policy (the default), the /etc/group entries that list the user by name.
 *
 * <p>The files are the image's, so any size: they are read as a stream of lines, and one larger
 * than {@link #MAX_FILE_BYTES} or with a line longer than {@link #MAX_LINE_BYTES} is refused
 * (INVALID_ARGUMENT) before it can fill the heap. Real ones are a few kilobytes.
 */
final class ImageUsers {

    private static final long MAX_ID = 0xFFFF_FFFFL;
    private static final int MAX_LINKS = 40;
    static final long MAX_FILE_BYTES = 4L << 20;
    static final int MAX_LINE_BYTES = 64 << 10;

    private record Passwd(String name, long uid, long gid) {}

    /** {@code members} as the file has it (comma-separated): split only when asked, never kept as one string each. */
    private record Group(String name, long gid, String members) {

        boolean lists(String user) {
            for (String member : members.split(",")) {
                if (member.strip().equals(user)) {
                    return true;
                }
            }
            return false;
        }
    }

    private final List<Passwd> passwd;
    private final List<Group> groups;

    private ImageUsers(List<Passwd> passwd, List<Group> groups) {
        this.passwd = passwd;
        this.groups = groups;
    }

    static OciSpec.User resolve(Path rootfs, LinuxContainerSecurityContext security, String imageUser) {
        List<Passwd> passwd = new ArrayList<>();
        readConfined(rootfs, "/etc/passwd", line -> parsePasswd(line, passwd));
        List<Group> groups = new ArrayList<>();
        readConfined(rootfs, "/etc/group", line -> parseGroup(line, groups));
        ImageUsers users = new ImageUsers(passwd, groups);
        return users.resolve(security, imageUser == null ? "" : imageUser.strip());
    }

    private OciSpec.User resolve(LinuxContainerSecurityContext security, String imageUser) {
        long uid;
        Long gid = null;
        String name;
        if (!security.getRunAsUsername().isEmpty()) {
            Passwd entry = byName(security.getRunAsUsername()).orElseThrow(() -> invalid(
                    "run_as_username \"" + security.getRunAsUsername() + "\" is not in the image's /etc/passwd"));
            uid = entry.uid();
            gid = entry.gid();
            name = entry.name();
        } else if (security.hasRunAsUser()) {
            uid = id(security.getRunAsUser().getValue(), "run_as_user");
            name = byUid(uid).map(Passwd::name).orElse(null);
        } else {
            int colon = imageUser.indexOf(':');
            String user = colon < 0 ? imageUser : imageUser.substring(0, colon);
            String group = colon < 0 ? "" : imageUser.substring(colon + 1);
            if (user.isEmpty()) {
                uid = 0;
                name = byUid(0).map(Passwd::name).orElse(null);
            } else if (isNumber(user)) {
                uid = id(user, "image user \"" + imageUser + "\"");
                name = byUid(uid).map(Passwd::name).orElse(null);
            } else {
                Passwd entry = byName(user).orElseThrow(() -> invalid(
                        "image user \"" + user + "\" is not in the image's /etc/passwd"));
                uid = entry.uid();
                gid = entry.gid();
                name = entry.name();
            }
            if (!group.isEmpty()) {
                gid = isNumber(group) ? id(group, "image user \"" + imageUser + "\"") : groupByName(group)
                        .orElseThrow(() -> invalid("image group \"" + group + "\" is not in the image's /etc/group"))
                        .gid();
            }
        }
        if (security.hasRunAsGroup()) {
            if (security.getRunAsUsername().isEmpty() && !security.hasRunAsUser()) {
                throw invalid("run_as_group " + security.getRunAsGroup().getValue()
                        + " is set without run_as_user or run_as_username");
            }
            gid = id(security.getRunAsGroup().getValue(), "run_as_group");
        }
        if (gid == null) {
            gid = byUid(uid).map(Passwd::gid).orElse(0L);
        }
        return new OciSpec.User(uid, gid, null, supplementalGroups(security, name, gid));
    }

    /** The primary gid first (as `id -G` lists it and the kubelet expects in ContainerUser), then the others once each. */
    private List<Long> supplementalGroups(LinuxContainerSecurityContext security, @Nullable String name, long primaryGid) {
        Set<Long> gids = new LinkedHashSet<>();
        gids.add(primaryGid);
        if (security.getSupplementalGroupsPolicy() == SupplementalGroupsPolicy.Merge && name != null) {
            for (Group group : groups) {
                if (group.lists(name)) {
                    gids.add(group.gid());
                }
            }
        }
        for (long gid : security.getSupplementalGroupsList()) {
            gids.add(id(gid, "supplemental_groups"));
        }
        return List.copyOf(gids);
    }

    private Optional<Passwd> byName(String name) {
        return passwd.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private Optional<Passwd> byUid(long uid) {
        return passwd.stream().filter(p -> p.uid() == uid).findFirst();
    }

    private Optional<Group> groupByName(String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst();
    }

    private static boolean isNumber(String text) {
        return !text.isEmpty() && text.chars().allMatch(Character::isDigit);
    }

    private static long id(String text, String field) {
        if (text.length() > 10) {
            throw invalid(field + ": id " + text + " is out of range 0-4294967295");
        }
        return id(Long.parseLong(text), field);
    }

    private static long id(long value, String field) {
        if (value < 0 || value > MAX_ID) {
            throw invalid(field + ": id " + value + " is out of range 0-4294967295");
        }
        return value;
    }

    /** name:password:uid:gid:gecos:home:shell; malformed lines are skipped, as getpwent does. */
    private static void parsePasswd(String line, List<Passwd> entries) {
        String[] f = line.split(":", -1);
        if (f.length >= 4 && !f[0].isEmpty() && isNumber(f[2]) && isNumber(f[3])
                && f[2].length() <= 10 && f[3].length() <= 10) {
            entries.add(new Passwd(f[0], Long.parseLong(f[2]), Long.parseLong(f[3])));
        }
    }

    /** name:password:gid:member,member */
    private static void parseGroup(String line, List<Group> entries) {
        String[] f = line.split(":", -1);
        if (f.length >= 3 && !f[0].isEmpty() && isNumber(f[2]) && f[2].length() <= 10) {
            entries.add(new Group(f[0], Long.parseLong(f[2]), f.length > 3 ? f[3] : ""));
        }
    }

    /**
     * The lines of a file inside the rootfs, following symlinks (the last component too) inside it;
     * no lines when it does not exist, as for a scratch image.
     */
    private static void readConfined(Path rootfs, String name, Consumer<String> lines) {
        String current = name;
        try {
            for (int i = 0; i < MAX_LINKS; i++) {
                Path file = RootPath.resolve(rootfs, current);
                if (!Files.isSymbolicLink(file)) {
                    if (Files.isRegularFile(file)) {
                        readLines(file, name, lines);
                    }
                    return;
                }
                String target = Files.readSymbolicLink(file).toString();
                String parent = current.substring(0, current.lastIndexOf('/') + 1);
                current = target.startsWith("/") ? target : parent + target;
            }
            throw new InvalidContainerConfigException("image's " + name + ": too many levels of symbolic links");
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new ContainerSetupFailedException("read the image's " + name + " in " + rootfs + ": " + e, e);
        }
    }

    /**
     * Hands each line to {@code lines}, holding one line at a time. The size is checked first (a
     * sparse file costs the image nothing) and counted again while reading, in case it grows.
     */
    private static void readLines(Path file, String name, Consumer<String> lines) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw tooLarge(name);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[8192];
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            long total = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
                if (total > MAX_FILE_BYTES) {
                    throw tooLarge(name);
                }
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        appendLine(line, buffer, start, i - start, name);
                        emit(line, lines);
                        start = i + 1;
                    }
                }
                appendLine(line, buffer, start, n - start, name);
            }
            if (line.size() > 0) {
                emit(line, lines);
            }
        }
    }

    /** One line, without a DOS line end (readAllLines, used before, took \r\n as one). */
    private static void emit(ByteArrayOutputStream line, Consumer<String> lines) {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        lines.accept(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
    }

    private static void appendLine(ByteArrayOutputStream line, byte[] bytes, int offset, int length, String name) {
        if (line.size() + length > MAX_LINE_BYTES) {
            throw new InvalidContainerConfigException("image's " + name + " has a line longer than " + MAX_LINE_BYTES + " bytes");
        }
        line.write(bytes, offset, length);
    }

    private static GantryException tooLarge(String name) {
        return new InvalidContainerConfigException("image's " + name + " is larger than " + MAX_FILE_BYTES + " bytes");
    }
}
