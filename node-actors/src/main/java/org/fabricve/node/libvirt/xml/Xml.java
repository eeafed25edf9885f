package org.fabricve.node.libvirt.xml;

import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * StAX output with two-space indentation, plus the character checks shared by the translators. Every attribute
 * and text value goes through the XML writer (so quotes, angle brackets and ampersands are escaped) and through
 * {@link #checkPlain} first: control characters are refused, naming the config key being written
 * ({@link #key(String)}), instead of being silently normalized away by a parser later.
 */
final class Xml {

    private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newFactory();

    private final StringWriter out = new StringWriter(4096);
    private final XMLStreamWriter x;
    private int depth;
    private String key = "config";
    private String pendingName;
    private String pendingNs;
    private final java.util.List<String[]> pendingAttrs = new java.util.ArrayList<>();

    Xml() {
        try {
            x = OUTPUT.createXMLStreamWriter(out);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The config key whose values are written next; named in errors. */
    Xml key(String configKey) {
        this.key = configKey;
        return this;
    }

    /** Starts an element; if it gets neither children nor text, {@link #end()} writes it as {@code <x/>}. */
    Xml start(String name) {
        return startNs(name, null);
    }

    Xml empty(String name) {
        try {
            flush();
            indent();
            x.writeEmptyElement(name);
            return this;
        } catch (XMLStreamException e) {
            throw fail(e);
        }
    }

    /** An element in namespace ns declared as the default namespace (libvirt metadata wants no prefix). */
    Xml startNs(String name, String ns) {
        try {
            flush();
            indent();
            pendingName = name;
            pendingNs = ns;
            pendingAttrs.clear();
            depth++;
            return this;
        } catch (XMLStreamException e) {
            throw fail(e);
        }
    }

    Xml attr(String name, String value) {
        checkPlain(key, value);
        if (pendingName != null) {
            pendingAttrs.add(new String[] {name, value});
            return this;
        }
        try {
            x.writeAttribute(name, value);
            return this;
        } catch (XMLStreamException e) {
            throw fail(e);
        }
    }

    Xml attr(String name, long value) {
        return attr(name, Long.toString(value));
    }

    Xml text(String value) {
        checkPlain(key, value);
        return rawText(value);
    }

    /** Text that may span lines (description): tabs and line breaks allowed, other control characters not. */
    Xml multilineText(String value) {
        checkChars(key, value, true);
        return rawText(value);
    }

    private Xml rawText(String value) {
        try {
            flush();
            x.writeCharacters(value);
            return this;
        } catch (XMLStreamException e) {
            throw fail(e);
        }
    }

    Xml leaf(String name, String value) {
        return start(name).text(value).endInline();
    }

    /** Closes an element whose content stayed on one line. */
    Xml endInline() {
        try {
            flush();
            x.writeEndElement();
            depth--;
            return this;
        } catch (XMLStreamException e) {
            throw fail(e);
        }
    }

    /** Closes an element: end tag on its own line, or {@code <x/>} when it stayed empty. */
    Xml end() {
        try {
            depth--;
            if (pendingName != null) {
                writePending(true);
                return this;
            }
            x.writeCharacters("\n" + "  ".repeat(depth));
            x.writeEndElement();
            return this;
        } catch (XMLStreamException e) {
            throw fail(e);
        }
    }

    private void flush() throws XMLStreamException {
        if (pendingName != null) {
            writePending(false);
        }
    }

    private void writePending(boolean asEmpty) throws XMLStreamException {
        String name = pendingName;
        pendingName = null;
        if (pendingNs == null) {
            if (asEmpty) {
                x.writeEmptyElement(name);
            } else {
                x.writeStartElement(name);
            }
        } else {
            if (asEmpty) {
                x.writeEmptyElement("", name, pendingNs);
            } else {
                x.writeStartElement("", name, pendingNs);
            }
            x.writeDefaultNamespace(pendingNs);
        }
        for (String[] a : pendingAttrs) {
            x.writeAttribute(a[0], a[1]);
        }
        pendingAttrs.clear();
    }

    String finish() {
        if (depth != 0) {
            throw new IllegalStateException("unbalanced XML elements: depth " + depth);
        }
        try {
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw fail(e);
        }
        return out.toString() + "\n";
    }

    private void indent() throws XMLStreamException {
        if (depth > 0) {
            x.writeCharacters("\n" + "  ".repeat(depth));
        }
    }

    private IllegalStateException fail(XMLStreamException e) {
        return new IllegalStateException("cannot write domain XML (" + key + "): " + e.getMessage(), e);
    }

    // ---- checks ----

    /** Refuses control characters (tab and line breaks included) and characters XML 1.0 cannot carry. */
    static void checkPlain(String key, String value) {
        checkChars(key, value, false);
    }

    static void checkChars(String key, String value, boolean multiline) {
        if (value == null) {
            throw new IllegalArgumentException(key + ": missing value");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean allowedControl = multiline && (c == '\t' || c == '\n' || c == '\r');
            if ((c < 0x20 && !allowedControl) || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
                throw new IllegalArgumentException(key + ": value must not contain control characters (U+"
                        + String.format("%04X", (int) c) + ")");
            }
            if (c == 0xFFFE || c == 0xFFFF) {
                throw new IllegalArgumentException(key + ": value contains a character XML cannot carry (U+"
                        + String.format("%04X", (int) c) + ")");
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    throw new IllegalArgumentException(key + ": value contains a broken surrogate pair");
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw new IllegalArgumentException(key + ": value contains a broken surrogate pair");
            }
        }
    }

    /** A value quoted in an error message: short and printable. */
    static String show(String raw) {
        if (raw == null) {
            return "";
        }
        String s = raw.length() > 40 ? raw.substring(0, 40) + "..." : raw;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }

    /**
     * Lenient Proxmox property-string split ("virtio=MAC,bridge=vmbr0"): a leading part without '=' goes to
     * defaultKey; later duplicates are ignored. Values are checked by the callers.
     */
    static Map<String, String> props(String value, String defaultKey) {
        return org.fabricve.core.config.PropertyStrings.loose(value, defaultKey);
    }

    /** A non-negative integer value of a config key (or of one of its options), refused with the key named. */
    static long integer(String key, String value, long min, long max) {
        if (value == null || !value.matches("[0-9]{1,18}")) {
            throw new IllegalArgumentException(key + ": expected an integer, got '" + show(value) + "'");
        }
        long v = Long.parseLong(value);
        if (v < min || v > max) {
            throw new IllegalArgumentException(key + ": value " + v + " out of range (" + min + "-" + max + ")");
        }
        return v;
    }

    static boolean bool(String key, String value, boolean fallback) {
        if (value == null) {
            return fallback;
        }
        switch (value) {
            case "1": case "true": case "yes": case "on": return true;
            case "0": case "false": case "no": case "off": return false;
            default: throw new IllegalArgumentException(key + ": expected a boolean (0 or 1), got '" + show(value) + "'");
        }
    }

    /** Checks a value against a pattern; the message names the key. */
    static String matching(String key, String value, String regex, String what) {
        if (value == null || value.length() > 4096 || !value.matches(regex)) {
            throw new IllegalArgumentException(key + ": invalid " + what + " '" + show(value) + "'");
        }
        return value;
    }
}
