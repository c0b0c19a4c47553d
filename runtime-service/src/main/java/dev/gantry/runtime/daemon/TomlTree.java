package dev.gantry.runtime.daemon;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * TOML text to a node tree and a node tree to JSON, on Jackson's streaming API. An ObjectMapper
 * would do the same in one call but loads some 400 classes at every daemon start; the config is
 * read once, and a node daemon's start time and footprint matter more than two short loops.
 */
final class TomlTree {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final TomlFactory TOML = new TomlFactory();
    private static final JsonFactory JSON = new JsonFactory();

    private TomlTree() {}

    /** Parses a TOML document; syntax errors surface as Jackson's exceptions, with their location. */
    static ObjectNode parse(String toml) throws IOException {
        try (JsonParser parser = TOML.createParser(toml)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                return NODES.objectNode();
            }
            return (ObjectNode) read(parser);
        }
    }

    /** The tree as compact JSON. */
    static String toJson(JsonNode tree) {
        var out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            write(tree, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private static JsonNode read(JsonParser parser) throws IOException {
        return switch (parser.currentToken()) {
            case START_OBJECT -> {
                ObjectNode table = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    table.set(name, read(parser));
                }
                yield table;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(read(parser));
                }
                yield array;
            }
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE, VALUE_FALSE -> NODES.booleanNode(parser.getBooleanValue());
            // strings, and dates and times (which the TOML parser hands over as text)
            default -> NODES.textNode(parser.getText());
        };
    }

    private static void write(JsonNode node, JsonGenerator json) throws IOException {
        if (node.isObject()) {
            json.writeStartObject();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                json.writeFieldName(field.getKey());
                write(field.getValue(), json);
            }
            json.writeEndObject();
        } else if (node.isArray()) {
            json.writeStartArray();
            for (JsonNode element : node) {
                write(element, json);
            }
            json.writeEndArray();
        } else if (node.isIntegralNumber()) {
            json.writeNumber(node.bigIntegerValue());
        } else if (node.isNumber()) {
            json.writeNumber(node.doubleValue());
        } else if (node.isBoolean()) {
            json.writeBoolean(node.booleanValue());
        } else {
            json.writeString(node.asText());
        }
    }
}
