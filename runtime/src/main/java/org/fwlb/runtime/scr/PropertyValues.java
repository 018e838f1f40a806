package org.fwlb.runtime.scr;

import org.w3c.dom.Element;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed values of DS {@code <property>} elements: a single value from the {@code value} attribute, or an
 * array from the non-blank lines of the element body.
 */
final class PropertyValues {

    private PropertyValues() {
    }

    static Object parse(Element p, String where) {
        String name = p.getAttribute("name");
        String type = p.hasAttribute("type") ? p.getAttribute("type").trim() : "String";
        Class<?> cls = typeClass(type, where, name);
        if (p.hasAttribute("value")) {
            return convert(p.getAttribute("value"), type, cls, where, name);
        }
        List<Object> values = new ArrayList<>();
        for (String line : p.getTextContent().split("\n")) {
            String v = line.trim();
            if (!v.isEmpty()) {
                values.add(convert(v, type, cls, where, name));
            }
        }
        Object array = Array.newInstance(cls, values.size());
        for (int i = 0; i < values.size(); i++) {
            Array.set(array, i, values.get(i));
        }
        return array;
    }

    private static Class<?> typeClass(String type, String where, String name) {
        switch (type) {
            case "String": return String.class;
            case "Long": return Long.class;
            case "Double": return Double.class;
            case "Float": return Float.class;
            case "Integer": return Integer.class;
            case "Byte": return Byte.class;
            case "Char":
            case "Character": return Character.class;
            case "Boolean": return Boolean.class;
            case "Short": return Short.class;
            default:
                throw new ComponentDescriptionException(where + ": property " + name
                        + " has unknown type " + type);
        }
    }

    private static Object convert(String raw, String type, Class<?> cls, String where, String name) {
        String v = cls == String.class ? raw : raw.trim();
        try {
            switch (type) {
                case "String": return v;
                case "Long": return Long.valueOf(v);
                case "Double": return Double.valueOf(v);
                case "Float": return Float.valueOf(v);
                case "Integer": return Integer.valueOf(v);
                case "Byte": return Byte.valueOf(v);
                case "Char":
                case "Character":
                    if (v.length() != 1) {
                        throw new NumberFormatException("not one character");
                    }
                    return v.charAt(0);
                case "Boolean": return Boolean.valueOf(v);
                case "Short": return Short.valueOf(v);
                default: throw new IllegalStateException(type);
            }
        } catch (NumberFormatException e) {
            throw new ComponentDescriptionException(where + ": property " + name + " value '" + raw
                    + "' is not a valid " + type);
        }
    }
}
