package dev.gantry.cri.v1;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a protobuf file descriptor into a sorted, line-per-fact listing of its wire contract.
 *
 * <p>Only what decides compatibility on the wire (and for gRPC, the method paths and
 * streaming shape) is listed: package, message and enum full names, field names, numbers,
 * labels and types, reserved numbers and names, enum value names and numbers, and service
 * methods with their input/output types and streaming flags. Comments, options (java_*,
 * deprecated, debug_redact, ...) and json names are left out, so a file with different
 * comments and options but the same contract yields the same listing.
 *
 * <p>Every line names its owner in full (e.g. {@code field runtime.v1.Mount.host_path ...}),
 * so a set difference between two listings reads on its own. Lines starting with {@code #}
 * are comments and are ignored by {@link #contentLines(String)}.
 */
final class WireListing {

    private WireListing() {}

    /** The listing of one file. */
    static String of(FileDescriptor file) {
        List<String> out = new ArrayList<>();
        out.add("file package=" + file.getPackage() + " syntax=" + syntax(file));

        List<Descriptor> messages = new ArrayList<>();
        List<EnumDescriptor> enums = new ArrayList<>(file.getEnumTypes());
        for (Descriptor top : file.getMessageTypes()) {
            collect(top, messages, enums);
        }
        messages.sort(Comparator.comparing(Descriptor::getFullName));
        enums.sort(Comparator.comparing(EnumDescriptor::getFullName));
        List<ServiceDescriptor> services = new ArrayList<>(file.getServices());
        services.sort(Comparator.comparing(ServiceDescriptor::getFullName));

        int methodCount = services.stream().mapToInt(s -> s.getMethods().size()).sum();
        out.add("count services=" + services.size() + " methods=" + methodCount
                + " messages=" + messages.size() + " enums=" + enums.size());

        for (Descriptor m : messages) {
            listMessage(m, out);
        }
        for (EnumDescriptor e : enums) {
            listEnum(e, out);
        }
        for (ServiceDescriptor s : services) {
            listService(s, out);
        }
        return String.join("\n", out) + "\n";
    }

    /**
     * Builds the descriptor of the file with the given package from a serialized
     * {@code FileDescriptorSet} (as written by {@code protoc --descriptor_set_out}).
     */
    static FileDescriptor fromDescriptorSet(Path descriptorSet, String protoPackage)
            throws IOException, DescriptorValidationException {
        FileDescriptorSet set = FileDescriptorSet.parseFrom(Files.readAllBytes(descriptorSet));
        Map<String, FileDescriptorProto> byName = new HashMap<>();
        for (FileDescriptorProto p : set.getFileList()) {
            byName.put(p.getName(), p);
        }
        Map<String, FileDescriptor> built = new HashMap<>();
        FileDescriptor found = null;
        for (FileDescriptorProto p : set.getFileList()) {
            FileDescriptor fd = build(p, byName, built);
            if (fd.getPackage().equals(protoPackage)) {
                if (found != null) {
                    throw new IllegalArgumentException("more than one file with package " + protoPackage);
                }
                found = fd;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("no file with package " + protoPackage + " in " + descriptorSet);
        }
        return found;
    }

    /** The non-comment, non-blank lines of a listing. */
    static List<String> contentLines(String listing) {
        List<String> lines = new ArrayList<>();
        for (String line : listing.split("\n", -1)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                lines.add(t);
            }
        }
        return lines;
    }

    private static FileDescriptor build(FileDescriptorProto p, Map<String, FileDescriptorProto> byName,
            Map<String, FileDescriptor> built) throws DescriptorValidationException {
        FileDescriptor done = built.get(p.getName());
        if (done != null) {
            return done;
        }
        List<FileDescriptor> deps = new ArrayList<>();
        for (String dep : p.getDependencyList()) {
            FileDescriptorProto depProto = byName.get(dep);
            if (depProto == null) {
                throw new IllegalArgumentException("descriptor set lacks import " + dep + " (use --include_imports)");
            }
            deps.add(build(depProto, byName, built));
        }
        FileDescriptor fd = FileDescriptor.buildFrom(p, deps.toArray(new FileDescriptor[0]));
        built.put(p.getName(), fd);
        return fd;
    }

    private static String syntax(FileDescriptor file) {
        String s = file.toProto().getSyntax();
        return s.isEmpty() ? "proto2" : s;
    }

    private static void collect(Descriptor m, List<Descriptor> messages, List<EnumDescriptor> enums) {
        if (m.getOptions().getMapEntry()) {
            return; // shown as map<k,v> on the owning field
        }
        messages.add(m);
        enums.addAll(m.getEnumTypes());
        for (Descriptor nested : m.getNestedTypes()) {
            collect(nested, messages, enums);
        }
    }

    private static void listMessage(Descriptor m, List<String> out) {
        String name = m.getFullName();
        out.add("message " + name);
        List<FieldDescriptor> fields = new ArrayList<>(m.getFields());
        fields.sort(Comparator.comparingInt(FieldDescriptor::getNumber));
        for (FieldDescriptor f : fields) {
            StringBuilder line = new StringBuilder("field ").append(name).append('.').append(f.getName())
                    .append(" = ").append(f.getNumber())
                    .append(' ').append(label(f))
                    .append(' ').append(type(f));
            OneofDescriptor oneof = f.getRealContainingOneof();
            if (oneof != null) {
                line.append(" oneof=").append(oneof.getName());
            }
            out.add(line.toString());
        }
        DescriptorProto proto = m.toProto();
        List<String> reserved = new ArrayList<>();
        for (DescriptorProto.ReservedRange r : proto.getReservedRangeList()) {
            reserved.add("reserved " + name + " numbers " + r.getStart() + ".." + (r.getEnd() - 1));
        }
        for (String n : proto.getReservedNameList()) {
            reserved.add("reserved " + name + " name " + n);
        }
        for (DescriptorProto.ExtensionRange r : proto.getExtensionRangeList()) {
            reserved.add("extensions " + name + " numbers " + r.getStart() + ".." + (r.getEnd() - 1));
        }
        reserved.sort(null);
        out.addAll(reserved);
    }

    private static void listEnum(EnumDescriptor e, List<String> out) {
        String name = e.getFullName();
        out.add("enum " + name);
        List<EnumValueDescriptor> values = new ArrayList<>(e.getValues());
        values.sort(Comparator.comparingInt(EnumValueDescriptor::getNumber)
                .thenComparing(EnumValueDescriptor::getName));
        for (EnumValueDescriptor v : values) {
            out.add("value " + name + "." + v.getName() + " = " + v.getNumber());
        }
        EnumDescriptorProto proto = e.toProto();
        List<String> reserved = new ArrayList<>();
        for (EnumDescriptorProto.EnumReservedRange r : proto.getReservedRangeList()) {
            reserved.add("reserved " + name + " numbers " + r.getStart() + ".." + r.getEnd()); // inclusive end
        }
        for (String n : proto.getReservedNameList()) {
            reserved.add("reserved " + name + " name " + n);
        }
        reserved.sort(null);
        out.addAll(reserved);
    }

    private static void listService(ServiceDescriptor s, List<String> out) {
        String name = s.getFullName();
        out.add("service " + name);
        List<MethodDescriptor> methods = new ArrayList<>(s.getMethods());
        methods.sort(Comparator.comparing(MethodDescriptor::getName));
        for (MethodDescriptor md : methods) {
            out.add("rpc " + name + "." + md.getName()
                    + " input=" + md.getInputType().getFullName()
                    + " output=" + md.getOutputType().getFullName()
                    + " client_streaming=" + md.isClientStreaming()
                    + " server_streaming=" + md.isServerStreaming());
        }
    }

    private static String label(FieldDescriptor f) {
        if (f.isMapField()) {
            return "map";
        }
        if (f.isRepeated()) {
            return "repeated";
        }
        if (f.isRequired()) {
            return "required";
        }
        if (f.toProto().getProto3Optional()) {
            return "optional";
        }
        return f.getFile().toProto().getSyntax().equals("proto3") ? "singular" : "optional";
    }

    private static String type(FieldDescriptor f) {
        if (f.isMapField()) {
            Descriptor entry = f.getMessageType();
            return "map<" + type(entry.findFieldByNumber(1)) + "," + type(entry.findFieldByNumber(2)) + ">";
        }
        return switch (f.getType()) {
            case MESSAGE -> "message " + f.getMessageType().getFullName();
            case GROUP -> "group " + f.getMessageType().getFullName();
            case ENUM -> "enum " + f.getEnumType().getFullName();
            default -> f.getType().name().toLowerCase(Locale.ROOT);
        };
    }
}
