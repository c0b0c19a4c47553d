package dev.gantry.runtime.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The one place {@link OciSpec} becomes config.json and back.
 *
 * <p>Output is stable so that golden files and bundle diffs mean something: fields in record
 * component order (the spec's order), map entries sorted by key, absent (null) parts left out,
 * two-space indentation and a final newline. Reading ignores fields we do not model, so a
 * config.json written by a newer Gantry or touched by a hook still reads back; a missing
 * boolean or number reads as false or 0, the spec's default.
 */
public final class OciSpecJson {

    private static final DefaultPrettyPrinter PRETTY_PRINTER = prettyPrinter();
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .defaultPrettyPrinter(PRETTY_PRINTER)
            .build();

    private OciSpecJson() {}

    /** config.json: streamed by {@link OciSpecWriter}, the bytes data binding would write. */
    public static String write(OciSpec spec) {
        return streamed(spec);
    }

    /** A seccomp profile alone, in the shape of a Localhost profile file. */
    public static String writeSeccomp(OciSpec.Seccomp seccomp) {
        return streamed(seccomp);
    }

    /**
     * A config.json with the cgroup limits of {@code linux.resources} replaced by those of
     * {@code resources} (memory, cpu, hugepage limits, unified): what UpdateContainerResources put
     * in force. Device rules and pids, which an update does not change, and every other part of
     * the spec stay exactly as they were.
     *
     * @throws IllegalArgumentException if the text is not a JSON object
     */
    public static String withResources(String specJson, OciSpec.Resources resources) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(specJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage() + locationOf(e), e);
        }
        if (!(tree instanceof ObjectNode spec)) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        ObjectNode target = spec.withObjectProperty("linux").withObjectProperty("resources");
        JsonNode fresh = MAPPER.valueToTree(resources);
        for (String field : List.of("memory", "cpu", "hugepageLimits", "unified")) {
            if (fresh.hasNonNull(field)) {
                target.set(field, fresh.get(field));
            } else {
                target.remove(field);
            }
        }
        return writeValue(spec);
    }

    /** @throws IllegalArgumentException if the text is not JSON of the spec's shape */
    public static OciSpec read(String json) {
        return readValue(json, OciSpec.class);
    }

    /**
     * A Localhost seccomp profile: the file may be any host file the request named, so a failure
     * says only what is wrong and where (line and column), never what the file holds. Jackson's
     * messages quote tokens, values and field names, so neither they nor the exception travel on.
     *
     * @throws IllegalArgumentException if the text is not JSON of the LinuxSeccomp shape
     */
    public static OciSpec.Seccomp readSeccomp(String json) {
        try {
            OciSpec.Seccomp value = MAPPER.readValue(json, OciSpec.Seccomp.class);
            if (value == null) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return value;
        } catch (StreamReadException e) {
            throw new IllegalArgumentException("not valid JSON" + locationOf(e));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON of the OCI LinuxSeccomp shape" + locationOf(e));
        }
    }

    /**
     * A spec or a seccomp profile through {@link OciSpecWriter}, in the layout {@code INDENT_OUTPUT}
     * gives data binding. Chosen by type rather than passed as a lambda, which the first container
     * after a start would have to bootstrap (see {@link OciSpecWriter}).
     */
    private static String streamed(Object value) {
        StringWriter out = new StringWriter(16 * 1024);
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.setPrettyPrinter(PRETTY_PRINTER.createInstance());
            if (value instanceof OciSpec spec) {
                OciSpecWriter.spec(g, spec);
            } else {
                OciSpecWriter.seccomp(g, (OciSpec.Seccomp) value);
            }
        } catch (IOException e) {
            // A StringWriter does not fail; this would be a programming error.
            throw new UncheckedIOException(e);
        }
        return out.append('\n').toString();
    }

    /** Any value through data binding, laid out as {@link #write}: for trees, and for tests to compare with. */
    static String writeValue(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            // Records of strings and numbers always serialise; this would be a programming error.
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T readValue(String json, Class<T> type) {
        try {
            T value = MAPPER.readValue(json, type);
            if (value == null) {
                throw new IllegalArgumentException("expected a JSON object, got null");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage() + locationOf(e), e);
        }
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null
                ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    private static DefaultPrettyPrinter prettyPrinter() {
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withArrayEmptySeparator("")
                .withObjectEmptySeparator("");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(separators);
        printer.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
        printer.indentObjectsWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
        return printer;
    }
}
