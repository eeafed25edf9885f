package org.fabricve.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.Multipart;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.FileIO;

/**
 * Takes a multipart upload into a storage's content folder without holding it in memory: the file part streams
 * into a hidden {@code .upload-*.part} file inside the target folder (same file system, so the final rename is
 * atomic and a half-written file never shows under its name), the checksum is read back from disk when asked
 * for, and anything refused leaves nothing behind.
 */
final class StorageUpload {

    private static final long FIELD_TIMEOUT_MS = 10_000;

    /** A file now in place. */
    record Stored(String content, String filename, Path path, long bytes) {}

    /** What the parts said so far; touched by one stream stage at a time. */
    private static final class Parts {
        String content;
        String algorithm;
        String checksum;
        String filename;
        Path partial;
        long bytes;
        /** The first refusal; the rest of the request is still read (and dropped) so the client hears it. */
        ApiException refused;
    }

    private StorageUpload() {}

    static CompletionStage<Stored> receive(Multipart.FormData form, String storage, List<String> storageContents,
                                           Path poolDir, Materializer materializer) {
        Parts parts = new Parts();
        CompletionStage<Stored> stored = form.getParts().runFoldAsync(parts, (p, part) -> {
            if (part.getName().equals("filename") && part.getFilename().isPresent()) {
                if (p.refused == null) {
                    try {
                        if (p.partial != null) {
                            throw ApiException.badParameter("filename", "one file per upload");
                        }
                        UploadRules.content(p.content, storageContents, storage);
                        p.filename = UploadRules.filename(p.content, part.getFilename().get());
                    } catch (ApiException refusal) {
                        p.refused = refusal;
                    }
                }
                if (p.refused != null) {
                    // failing the stream here would answer while the client still sends, and a client that
                    // writes before it reads (Java's HttpClient, some proxies) sees a reset instead of the 400
                    return part.getEntity().discardBytes(materializer).completionStage().thenApply(done -> p);
                }
                Path dir = Files.createDirectories(poolDir.resolve(p.content));
                p.partial = dir.resolve(".upload-" + UUID.randomUUID() + ".part");
                return part.getEntity().getDataBytes().runWith(FileIO.toPath(p.partial), materializer)
                        .thenApply(io -> {
                            p.bytes = io.getCount();
                            return p;
                        });
            }
            return part.toStrict(FIELD_TIMEOUT_MS, materializer).thenApply(strict -> {
                String value = strict.getEntity().getData().utf8String().strip();
                switch (part.getName()) {
                    case "content" -> p.content = value;
                    case "checksum" -> p.checksum = value;
                    case "checksum-algorithm" -> p.algorithm = value;
                    default -> { } // tmpfilename and the like: Proxmox's proxy-internal fields
                }
                return p;
            });
        }, materializer).thenCompose(p -> {
            if (p.refused != null) {
                throw p.refused;
            }
            if (p.partial == null) {
                throw ApiException.badParameter("filename", "no file in the upload (a multipart part named"
                        + " 'filename' with a file name)");
            }
            String digest = UploadRules.digest(p.algorithm, p.checksum);
            CompletionStage<Parts> checked = digest == null ? CompletableFuture.completedFuture(p)
                    : FileIO.fromPath(p.partial).runFold(newDigest(digest), (md, bytes) -> {
                        md.update(bytes.toArrayUnsafe());
                        return md;
                    }, materializer).thenApply(md -> {
                        UploadRules.verify(p.algorithm, p.checksum, md.digest());
                        return p;
                    });
            return checked.thenApply(done -> {
                Path target = poolDir.resolve(done.content).resolve(done.filename);
                try {
                    Files.move(done.partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new ApiException(500, "cannot store " + done.filename + ": " + e.getMessage(), Map.of());
                }
                return new Stored(done.content, done.filename, target, done.bytes);
            });
        });
        return stored.whenComplete((ok, failure) -> {
            if (failure != null && parts.partial != null) {
                try {
                    Files.deleteIfExists(parts.partial);
                } catch (IOException ignored) {
                    // a hidden partial file left behind; the next upload does not reuse its name
                }
            }
        });
    }

    private static MessageDigest newDigest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " is part of every JDK", e);
        }
    }
}
