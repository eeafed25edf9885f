package org.fabricve.gateway;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What an upload into a storage may be, as Proxmox's {@code POST /nodes/{node}/storage/{storage}/upload} names it:
 * {@code content} (iso or vztmpl, the folder), the file's name (checked, never a path), and an optional
 * checksum to verify. Pure: every refusal names its parameter.
 */
final class UploadRules {

    static final List<String> CONTENTS = List.of("iso", "vztmpl");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_+-][A-Za-z0-9_.+-]{0,254}");
    private static final Pattern ISO = Pattern.compile(".+\\.(iso|img)", Pattern.CASE_INSENSITIVE);
    private static final Pattern TEMPLATE = Pattern.compile(".+\\.tar\\.(gz|xz|zst)", Pattern.CASE_INSENSITIVE);
    /** Proxmox's checksum algorithms, as Java's MessageDigest names them. */
    static final Map<String, String> DIGESTS = Map.of("md5", "MD5", "sha1", "SHA-1", "sha224", "SHA-224",
            "sha256", "SHA-256", "sha384", "SHA-384", "sha512", "SHA-512");

    private UploadRules() {}

    /** The content type of an upload, checked before any byte of the file is taken. */
    static String content(String content, List<String> storageContents, String storage) {
        if (content == null) {
            throw ApiException.badParameter("content", "property is missing and it is not optional"
                    + " (send it before the file)");
        }
        if (!CONTENTS.contains(content)) {
            throw ApiException.badParameter("content", "value '" + content
                    + "' does not have a value in the enumeration '" + String.join(", ", CONTENTS) + "'");
        }
        if (!storageContents.contains(content)) {
            throw ApiException.badParameter("content", "storage '" + storage + "' does not support content type '"
                    + content + "'");
        }
        return content;
    }

    /** The file name an upload may have for its content type. */
    static String filename(String content, String filename) {
        if (filename == null || filename.isEmpty()) {
            throw ApiException.badParameter("filename", "property is missing and it is not optional");
        }
        if (!NAME.matcher(filename).matches() || filename.contains("..")) {
            throw ApiException.badParameter("filename", "'" + shown(filename)
                    + "' is not a plain file name (letters, digits, '.', '_', '+', '-'; no path)");
        }
        Pattern ext = content.equals("iso") ? ISO : TEMPLATE;
        if (!ext.matcher(filename).matches()) {
            throw ApiException.badParameter("filename", "wrong file extension for " + content + ": '" + shown(filename)
                    + "' (expected " + (content.equals("iso") ? ".iso or .img" : ".tar.gz, .tar.xz or .tar.zst") + ")");
        }
        return filename;
    }

    /** The Java digest name of a checksum algorithm; both or neither of algorithm and checksum. */
    static String digest(String algorithm, String checksum) {
        if (algorithm == null && checksum == null) {
            return null;
        }
        if (algorithm == null || checksum == null) {
            throw ApiException.badParameter(algorithm == null ? "checksum-algorithm" : "checksum",
                    "'checksum' and 'checksum-algorithm' go together");
        }
        String name = DIGESTS.get(algorithm);
        if (name == null) {
            throw ApiException.badParameter("checksum-algorithm", "value '" + algorithm
                    + "' does not have a value in the enumeration 'md5, sha1, sha224, sha256, sha384, sha512'");
        }
        if (!checksum.matches("[0-9a-fA-F]{32,128}")) {
            throw ApiException.badParameter("checksum", "not a hexadecimal checksum");
        }
        return name;
    }

    /** The uploaded bytes' digest against the one asked for (hex, any case). */
    static void verify(String algorithm, String expected, byte[] actual) {
        StringBuilder hex = new StringBuilder();
        for (byte b : actual) {
            hex.append(String.format(Locale.ROOT, "%02x", b));
        }
        if (!hex.toString().equalsIgnoreCase(expected)) {
            throw ApiException.badParameter("checksum", "checksum mismatch: got '" + hex + "' instead of '"
                    + expected.toLowerCase(Locale.ROOT) + "' (" + algorithm + "); the file was not kept");
        }
    }

    private static String shown(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("[\\p{Cntrl}]", "?");
    }
}
