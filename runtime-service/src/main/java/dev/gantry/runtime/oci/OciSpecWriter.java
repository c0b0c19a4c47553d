package dev.gantry.runtime.oci;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Streams an {@link OciSpec} to a {@link JsonGenerator} field by field, in record component order,
 * leaving out what is null and sorting map entries by key: the bytes Jackson's data binding
 * writes for the same records with {@link OciSpecJson}'s settings (a test holds the two equal).
 *
 * <p>Written out by hand because CreateContainer runs once per container, far too rarely for the
 * JIT: data binding introspected every record through reflection at the first container after a
 * start (about 90 ms), then walked them through its serializers on the interpreter. No lambdas
 * either: each would be bootstrapped at that first container.
 */
final class OciSpecWriter {

    private OciSpecWriter() {}

    static void spec(JsonGenerator g, OciSpec s) throws IOException {
        g.writeStartObject();
        string(g, "ociVersion", s.ociVersion());
        if (s.process() != null) {
            g.writeFieldName("process");
            process(g, s.process());
        }
        if (s.root() != null) {
            g.writeObjectFieldStart("root");
            string(g, "path", s.root().path());
            g.writeBooleanField("readonly", s.root().readonly());
            g.writeEndObject();
        }
        string(g, "hostname", s.hostname());
        if (s.mounts() != null) {
            g.writeArrayFieldStart("mounts");
            for (OciSpec.Mount m : s.mounts()) {
                g.writeStartObject();
                string(g, "destination", m.destination());
                string(g, "type", m.type());
                string(g, "source", m.source());
                strings(g, "options", m.options());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        map(g, "annotations", s.annotations());
        if (s.linux() != null) {
            g.writeFieldName("linux");
            linux(g, s.linux());
        }
        g.writeEndObject();
    }

    static void seccomp(JsonGenerator g, OciSpec.Seccomp s) throws IOException {
        g.writeStartObject();
        string(g, "defaultAction", s.defaultAction());
        number(g, "defaultErrnoRet", s.defaultErrnoRet());
        strings(g, "architectures", s.architectures());
        strings(g, "flags", s.flags());
        if (s.syscalls() != null) {
            g.writeArrayFieldStart("syscalls");
            for (OciSpec.Syscall call : s.syscalls()) {
                syscall(g, call);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void process(JsonGenerator g, OciSpec.Process p) throws IOException {
        g.writeStartObject();
        g.writeBooleanField("terminal", p.terminal());
        if (p.user() != null) {
            g.writeFieldName("user");
            user(g, p.user());
        }
        strings(g, "args", p.args());
        strings(g, "env", p.env());
        string(g, "cwd", p.cwd());
        if (p.capabilities() != null) {
            OciSpec.CapabilitySets c = p.capabilities();
            g.writeObjectFieldStart("capabilities");
            strings(g, "bounding", c.bounding());
            strings(g, "effective", c.effective());
            strings(g, "inheritable", c.inheritable());
            strings(g, "permitted", c.permitted());
            strings(g, "ambient", c.ambient());
            g.writeEndObject();
        }
        if (p.rlimits() != null) {
            g.writeArrayFieldStart("rlimits");
            for (OciSpec.Rlimit r : p.rlimits()) {
                g.writeStartObject();
                string(g, "type", r.type());
                g.writeNumberField("hard", r.hard());
                g.writeNumberField("soft", r.soft());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeBooleanField("noNewPrivileges", p.noNewPrivileges());
        number(g, "oomScoreAdj", p.oomScoreAdj());
        string(g, "apparmorProfile", p.apparmorProfile());
        string(g, "selinuxLabel", p.selinuxLabel());
        g.writeEndObject();
    }

    private static void user(JsonGenerator g, OciSpec.User u) throws IOException {
        g.writeStartObject();
        g.writeNumberField("uid", u.uid());
        g.writeNumberField("gid", u.gid());
        number(g, "umask", u.umask());
        if (u.additionalGids() != null) {
            g.writeArrayFieldStart("additionalGids");
            for (long gid : u.additionalGids()) {
                g.writeNumber(gid);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void linux(JsonGenerator g, OciSpec.Linux l) throws IOException {
        g.writeStartObject();
        if (l.namespaces() != null) {
            g.writeArrayFieldStart("namespaces");
            for (OciSpec.Namespace n : l.namespaces()) {
                g.writeStartObject();
                string(g, "type", n.type());
                string(g, "path", n.path());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        idMappings(g, "uidMappings", l.uidMappings());
        idMappings(g, "gidMappings", l.gidMappings());
        if (l.devices() != null) {
            g.writeArrayFieldStart("devices");
            for (OciSpec.Device d : l.devices()) {
                g.writeStartObject();
                string(g, "path", d.path());
                string(g, "type", d.type());
                g.writeNumberField("major", d.major());
                g.writeNumberField("minor", d.minor());
                number(g, "fileMode", d.fileMode());
                number(g, "uid", d.uid());
                number(g, "gid", d.gid());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        string(g, "cgroupsPath", l.cgroupsPath());
        if (l.resources() != null) {
            g.writeFieldName("resources");
            resources(g, l.resources());
        }
        map(g, "sysctl", l.sysctl());
        if (l.seccomp() != null) {
            g.writeFieldName("seccomp");
            seccomp(g, l.seccomp());
        }
        strings(g, "maskedPaths", l.maskedPaths());
        strings(g, "readonlyPaths", l.readonlyPaths());
        string(g, "rootfsPropagation", l.rootfsPropagation());
        string(g, "mountLabel", l.mountLabel());
        g.writeEndObject();
    }

    private static void idMappings(JsonGenerator g, String name, @Nullable List<OciSpec.IdMapping> mappings) throws IOException {
        if (mappings == null) {
            return;
        }
        g.writeArrayFieldStart(name);
        for (OciSpec.IdMapping m : mappings) {
            g.writeStartObject();
            g.writeNumberField("containerID", m.containerID());
            g.writeNumberField("hostID", m.hostID());
            g.writeNumberField("size", m.size());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void resources(JsonGenerator g, OciSpec.Resources r) throws IOException {
        g.writeStartObject();
        if (r.devices() != null) {
            g.writeArrayFieldStart("devices");
            for (OciSpec.DeviceRule d : r.devices()) {
                g.writeStartObject();
                g.writeBooleanField("allow", d.allow());
                string(g, "type", d.type());
                number(g, "major", d.major());
                number(g, "minor", d.minor());
                string(g, "access", d.access());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (r.memory() != null) {
            OciSpec.Memory m = r.memory();
            g.writeObjectFieldStart("memory");
            number(g, "limit", m.limit());
            number(g, "reservation", m.reservation());
            number(g, "swap", m.swap());
            if (m.disableOOMKiller() != null) {
                g.writeBooleanField("disableOOMKiller", m.disableOOMKiller());
            }
            g.writeEndObject();
        }
        if (r.cpu() != null) {
            OciSpec.Cpu c = r.cpu();
            g.writeObjectFieldStart("cpu");
            number(g, "shares", c.shares());
            number(g, "quota", c.quota());
            number(g, "period", c.period());
            string(g, "cpus", c.cpus());
            string(g, "mems", c.mems());
            g.writeEndObject();
        }
        if (r.pids() != null) {
            g.writeObjectFieldStart("pids");
            g.writeNumberField("limit", r.pids().limit());
            g.writeEndObject();
        }
        if (r.hugepageLimits() != null) {
            g.writeArrayFieldStart("hugepageLimits");
            for (OciSpec.HugepageLimit h : r.hugepageLimits()) {
                g.writeStartObject();
                string(g, "pageSize", h.pageSize());
                g.writeNumberField("limit", h.limit());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        map(g, "unified", r.unified());
        g.writeEndObject();
    }

    private static void syscall(JsonGenerator g, OciSpec.Syscall s) throws IOException {
        g.writeStartObject();
        strings(g, "names", s.names());
        string(g, "action", s.action());
        number(g, "errnoRet", s.errnoRet());
        if (s.args() != null) {
            g.writeArrayFieldStart("args");
            for (OciSpec.SyscallArg a : s.args()) {
                g.writeStartObject();
                g.writeNumberField("index", a.index());
                g.writeNumberField("value", a.value());
                number(g, "valueTwo", a.valueTwo());
                string(g, "op", a.op());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void string(JsonGenerator g, String name, @Nullable String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    /** Integer components as int, Long ones as long: the two print alike, as data binding prints them. */
    private static void number(JsonGenerator g, String name, @Nullable Number value) throws IOException {
        if (value instanceof Integer i) {
            g.writeNumberField(name, i.intValue());
        } else if (value != null) {
            g.writeNumberField(name, value.longValue());
        }
    }

    private static void strings(JsonGenerator g, String name, @Nullable List<String> values) throws IOException {
        if (values != null) {
            g.writeArrayFieldStart(name);
            for (String value : values) {
                g.writeString(value);
            }
            g.writeEndArray();
        }
    }

    /** Entries sorted by key, as {@code ORDER_MAP_ENTRIES_BY_KEYS} has data binding write them. */
    private static void map(JsonGenerator g, String name, @Nullable Map<String, String> entries) throws IOException {
        if (entries != null) {
            g.writeObjectFieldStart(name);
            for (Map.Entry<String, String> e : new TreeMap<>(entries).entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
    }
}
