package org.fwlb.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.onlab.packet.IpAddress;
import org.onlab.packet.IpPrefix;
import org.onlab.packet.MacAddress;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

import static org.fwlb.config.ConfigErrors.child;

/**
 * Typed, checked reads of JSON fields; every problem is reported to {@link ConfigErrors} with the
 * field path and value, and the read returns null (or the default when the field is absent).
 */
final class JsonFields {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final Pattern SERVICE_TYPE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");
    private static final Pattern MAC = Pattern.compile("([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern OF_DPID = Pattern.compile("of:[0-9a-fA-F]{16}");
    private static final Pattern DEVICE_ID = Pattern.compile("[a-z][a-z0-9+.-]*:\\S+");
    /** Largest OpenFlow 1.3 physical port number (OFPP_MAX). */
    static final long MAX_OF_PORT = 0xffffff00L;

    private final ConfigErrors errors;

    JsonFields(ConfigErrors errors) {
        this.errors = errors;
    }

    ConfigErrors errors() {
        return errors;
    }

    /**
     * Checks that a node is an object with only the allowed fields and every required one.
     */
    ObjectNode object(JsonNode node, String path, List<String> allowed, List<String> required) {
        if (node == null || !node.isObject()) {
            errors.add(path, "expected an object, got " + describe(node));
            return null;
        }
        ObjectNode o = (ObjectNode) node;
        Iterator<String> names = o.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                errors.add(child(path, name), "unknown field (allowed: " + String.join(", ", allowed) + ")");
            }
        }
        for (String r : required) {
            if (!o.has(r) || o.get(r).isNull()) {
                errors.add(child(path, r), "is required");
            }
        }
        return o;
    }

    /** Returns the array at a field, or null when absent (and reports a non-array). */
    ArrayNode array(ObjectNode o, String field, String path) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            errors.add(child(path, field), "expected an array, got " + describe(n));
            return null;
        }
        return (ArrayNode) n;
    }

    String string(ObjectNode o, String field, String path, String def) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return def;
        }
        if (!n.isTextual()) {
            errors.add(child(path, field), "expected a string, got " + describe(n));
            return null;
        }
        return n.asText();
    }

    String id(ObjectNode o, String field, String path) {
        String s = string(o, field, path, null);
        if (s != null && !ID.matcher(s).matches()) {
            errors.add(child(path, field), quote(s) + " is not a valid id (1-64 of A-Z a-z 0-9 . _ -, "
                    + "starting with a letter or digit)");
            return null;
        }
        return s;
    }

    Long integer(ObjectNode o, String field, String path, Long def, long min, long max) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return def;
        }
        return integerValue(n, child(path, field), min, max);
    }

    Long integerValue(JsonNode n, String path, long min, long max) {
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            errors.add(path, "expected an integer, got " + describe(n));
            return null;
        }
        long v = n.asLong();
        if (v < min || v > max) {
            errors.add(path, v + " is out of range " + min + ".." + max);
            return null;
        }
        return v;
    }

    Integer intField(ObjectNode o, String field, String path, int def, int min, int max) {
        Long v = integer(o, field, path, (long) def, min, max);
        return v == null ? null : v.intValue();
    }

    <E> E enumField(ObjectNode o, String field, String path, E def, Function<String, E> parser,
                    String... names) {
        String s = string(o, field, path, null);
        if (s == null) {
            return o.has(field) && !o.get(field).isNull() ? null : def;
        }
        E e = parser.apply(s);
        if (e == null) {
            errors.add(child(path, field), quote(s) + " is not one of " + String.join(", ", names));
        }
        return e;
    }

    MacAddress mac(ObjectNode o, String field, String path) {
        String s = string(o, field, path, null);
        if (s == null) {
            return null;
        }
        if (!MAC.matcher(s).matches()) {
            errors.add(child(path, field), quote(s) + " is not a MAC address");
            return null;
        }
        MacAddress mac = MacAddress.valueOf(s);
        if (mac.isMulticast() || mac.equals(MacAddress.ZERO)) {
            errors.add(child(path, field), quote(s) + " is not a unicast MAC address");
            return null;
        }
        return mac;
    }

    IpAddress ip4(ObjectNode o, String field, String path) {
        String s = string(o, field, path, null);
        if (s == null) {
            return null;
        }
        if (!isIp4(s)) {
            errors.add(child(path, field), quote(s) + " is not an IPv4 address"
                    + (s.contains(":") ? " (IPv6 is not supported)" : ""));
            return null;
        }
        IpAddress ip = IpAddress.valueOf(s);
        if (ip.isMulticast() || ip.getIp4Address().toInt() == 0 || ip.getIp4Address().toInt() == -1) {
            errors.add(child(path, field), quote(s) + " is not a unicast host address");
            return null;
        }
        return ip;
    }

    private static boolean isIp4(String s) {
        java.util.regex.Matcher m = IPV4.matcher(s);
        if (!m.matches()) {
            return false;
        }
        for (int g = 1; g <= 4; g++) {
            if (Integer.parseInt(m.group(g)) > 255) {
                return false;
            }
        }
        return true;
    }

    IpPrefix prefix4(ObjectNode o, String field, String path) {
        String s = string(o, field, path, null);
        if (s == null) {
            return null;
        }
        int slash = s.indexOf('/');
        boolean ok = slash > 0 && isIp4(s.substring(0, slash));
        int len = -1;
        if (ok) {
            try {
                len = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                ok = false;
            }
        }
        if (!ok || len < 1 || len > 32) {
            errors.add(child(path, field), quote(s) + " is not an IPv4 prefix (a.b.c.d/len, len 1..32)");
            return null;
        }
        IpPrefix p = IpPrefix.valueOf(s);
        if (!p.toString().equals(s)) {
            errors.add(child(path, field), quote(s) + " has host bits set (did you mean \"" + p + "\"?)");
            return null;
        }
        return p;
    }

    DeviceId deviceId(ObjectNode o, String field, String path) {
        String s = string(o, field, path, null);
        if (s == null) {
            return null;
        }
        boolean ok = s.startsWith("of:") ? OF_DPID.matcher(s).matches() : DEVICE_ID.matcher(s).matches();
        if (!ok) {
            errors.add(child(path, field), quote(s) + " is not a device id (e.g. \"of:0000000000000f01\")");
            return null;
        }
        return DeviceId.deviceId(s);
    }

    PortNumber port(ObjectNode o, String field, String path) {
        Long v = integer(o, field, path, null, 1, MAX_OF_PORT);
        return v == null ? null : PortNumber.portNumber(v);
    }

    ConnectPoint location(ObjectNode o, String field, String path) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        String p = child(path, field);
        ObjectNode loc = object(n, p, Arrays.asList("deviceId", "port"), Arrays.asList("deviceId", "port"));
        if (loc == null) {
            return null;
        }
        DeviceId d = deviceId(loc, "deviceId", p);
        PortNumber port = port(loc, "port", p);
        return d == null || port == null ? null : new ConnectPoint(d, port);
    }

    /** Returns the strings of an array field (null elements reported), or null when absent. */
    List<String> strings(ObjectNode o, String field, String path, Pattern pattern, String what) {
        ArrayNode a = array(o, field, path);
        if (a == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JsonNode n = a.get(i);
            String p = ConfigErrors.element(child(path, field), i);
            if (!n.isTextual()) {
                errors.add(p, "expected a string, got " + describe(n));
            } else if (!pattern.matcher(n.asText()).matches()) {
                errors.add(p, quote(n.asText()) + " is not a valid " + what);
            } else {
                out.add(n.asText());
            }
        }
        return out;
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        if (n.isNull()) {
            return "null";
        }
        String kind = n.isObject() ? "object" : n.isArray() ? "array" : n.isTextual() ? "string"
                : n.isBoolean() ? "boolean" : n.isNumber() ? "number" : n.getNodeType().toString().toLowerCase();
        String text = n.toString();
        if (text.length() > 40) {
            text = text.substring(0, 37) + "...";
        }
        return kind + " " + text;
    }
}
