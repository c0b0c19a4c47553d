package dev.gantry.e2e.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Hostile changes to a protobuf request, chosen by a {@link Random} so a seed replays them: a few
 * fields anywhere in the message (nested messages, repeated fields, maps) set to values that break
 * naive code: empty, huge, NUL and control characters, {@code ..} paths, wrong ids, negative and
 * overflowing numbers, enum numbers no version of the CRI defines.
 */
final class Mutator {

    private static final String HEX64 = "0123456789abcdef".repeat(4);
    private static final List<String> STRINGS = List.of(
            "", " ", ".", "..", "../../../../etc/passwd", "/", "//", "/proc/self/root", "/dev/null", "/etc/shadow",
            "\0", "a\0b", "\n", "line\r\nforged: log", "\t\u0001\u001b[31m\u007f", "a=b", "a;b", "a,b c", "$(reboot)", "`id`",
            "%s%n%x", "{{.}}", "-", "--help", "*", "?", "UPPER", "ü🙂日本", "\uFEFF", "sha256:", "sha256:zz",
            "sha256:" + HEX64, HEX64, HEX64.substring(0, 12), "ffffffffffff", "0", "-1", "99999999999999999999",
            "unix:///run/x.sock", "http://127.0.0.1:1/", "127.0.0.1:1/x/y:z", "busybox@sha256:" + HEX64, "a:b:c@d");
    private static final long[] NUMBERS = {
            0, 1, -1, 2, 7, 255, 256, 1024, 65535, 65536, -65536, Integer.MAX_VALUE, Integer.MIN_VALUE,
            Integer.MAX_VALUE + 1L, 1L << 32, (1L << 32) - 1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, -(1L << 40)};

    private final Random random;

    Mutator(Random random) {
        this.random = random;
    }

    /** {@code seed} with 1 to 3 fields changed. */
    Message mutate(Message seed) {
        Message.Builder builder = seed.toBuilder();
        int changes = 1 + random.nextInt(3);
        for (int i = 0; i < changes; i++) {
            mutateSomewhere(builder, 0);
        }
        return builder.build();
    }

    /** Bytes that are rarely a message: random, or a valid request cut short or with garbage appended. */
    byte[] garbage(byte[] valid) {
        return switch (random.nextInt(3)) {
            case 0 -> bytes(1 + random.nextInt(64));
            case 1 -> java.util.Arrays.copyOf(valid, Math.max(0, valid.length - 1 - random.nextInt(Math.max(1, valid.length))));
            default -> {
                byte[] tail = bytes(1 + random.nextInt(16));
                byte[] out = java.util.Arrays.copyOf(valid, valid.length + tail.length);
                System.arraycopy(tail, 0, out, valid.length, tail.length);
                yield out;
            }
        };
    }

    String string() {
        return switch (random.nextInt(10)) {
            case 0 -> "x".repeat(random.nextInt(10) == 0 ? 1 << 20 : 4097 + random.nextInt(70_000));
            case 1 -> randomText(1 + random.nextInt(40));
            case 2 -> HexFormat.of().formatHex(bytes(32)); // an id nobody has
            default -> STRINGS.get(random.nextInt(STRINGS.size()));
        };
    }

    long number() {
        return random.nextInt(4) == 0 ? random.nextLong() : NUMBERS[random.nextInt(NUMBERS.length)];
    }

    private void mutateSomewhere(Message.Builder builder, int depth) {
        List<FieldDescriptor> fields = builder.getDescriptorForType().getFields();
        if (fields.isEmpty()) {
            return;
        }
        FieldDescriptor field = fields.get(random.nextInt(fields.size()));
        boolean nested = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isMapField();
        if (nested && depth < 6 && random.nextInt(4) != 0) {
            if (!field.isRepeated()) {
                mutateSomewhere(builder.getFieldBuilder(field), depth + 1);
                return;
            }
            int count = builder.getRepeatedFieldCount(field);
            if (count > 0 && random.nextBoolean()) {
                Message.Builder element = ((Message) builder.getRepeatedField(field, random.nextInt(count))).toBuilder();
                mutateSomewhere(element, depth + 1);
                builder.setRepeatedField(field, random.nextInt(count), element.build());
            } else {
                Message.Builder element = builder.newBuilderForField(field);
                mutateSomewhere(element, depth + 1);
                builder.addRepeatedField(field, element.build());
            }
            return;
        }
        if (field.isRepeated() && random.nextInt(5) == 0) {
            if (random.nextBoolean()) {
                builder.clearField(field);
            } else {
                int many = 1 + random.nextInt(random.nextInt(8) == 0 ? 5_000 : 8);
                for (int i = 0; i < many; i++) {
                    builder.addRepeatedField(field, value(builder, field));
                }
            }
            return;
        }
        if (random.nextInt(8) == 0) {
            builder.clearField(field);
        } else if (field.isRepeated()) {
            builder.addRepeatedField(field, value(builder, field));
        } else {
            builder.setField(field, value(builder, field));
        }
    }

    /** One hostile value of {@code field}'s type (a map entry with hostile key and value for a map). */
    private Object value(Message.Builder owner, FieldDescriptor field) {
        return switch (field.getJavaType()) {
            case STRING -> string();
            case INT -> (int) number();
            case LONG -> number();
            case BOOLEAN -> random.nextBoolean();
            case FLOAT -> (float) number();
            case DOUBLE -> random.nextBoolean() ? Double.NaN : (double) number();
            case BYTE_STRING -> ByteString.copyFrom(bytes(random.nextInt(64)));
            case ENUM -> enumValue(field.getEnumType());
            case MESSAGE -> {
                Message.Builder element = owner.newBuilderForField(field);
                if (field.isMapField()) {
                    for (FieldDescriptor part : element.getDescriptorForType().getFields()) {
                        element.setField(part, value(element, part));
                    }
                } else if (random.nextBoolean()) {
                    mutateSomewhere(element, 5);
                }
                yield element.build();
            }
        };
    }

    private Object enumValue(EnumDescriptor type) {
        if (random.nextBoolean()) {
            return type.getValues().get(random.nextInt(type.getValues().size()));
        }
        int[] unknown = {-1, 99, Integer.MAX_VALUE, Integer.MIN_VALUE, type.getValues().size()};
        return type.findValueByNumberCreatingIfUnknown(unknown[random.nextInt(unknown.length)]);
    }

    private String randomText(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(random.nextBoolean() ? (char) (0x20 + random.nextInt(0x5f)) : (char) random.nextInt(0x3000));
        }
        return out.toString();
    }

    private byte[] bytes(int n) {
        byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }
}
