package org.fabricve.gateway.security;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Proxmox VE API token presented in an {@code Authorization} header:
 * {@code PVEAPIToken=USER@REALM!TOKENID=SECRET}.
 *
 * <p>Like Proxmox's own server (which itself forwards {@code PVEAPIToken <url-encoded value>} when it
 * proxies a request to another node) the parser accepts either {@code =} or a space after the scheme
 * name, an optionally percent-encoded value, and stops at a {@code ;}. The user part follows Proxmox's
 * user regex ({@code [^\s:/]+}), realm and token id its realm regex ({@code [A-Za-z][A-Za-z0-9.\-_]+}).
 *
 * @param userid  {@code user@realm}, the owner of the token
 * @param tokenId the token's id without the user, e.g. {@code automation}
 * @param secret  the token secret; never printed by {@link #toString()}
 */
public record ApiToken(String userid, String tokenId, String secret) {

    /** The authorization scheme name Proxmox uses. */
    public static final String SCHEME = "PVEAPIToken";

    private static final Pattern HEADER = Pattern.compile("^\\s*" + SCHEME + "(?:=|\\s+)([^;\\s]+)\\s*;?\\s*$");
    private static final Pattern VALUE = Pattern.compile(
            "^([^\\s:/]+@[A-Za-z][A-Za-z0-9.\\-_]+)!([A-Za-z][A-Za-z0-9.\\-_]+)=(\\S+)$");

    public ApiToken {
        Objects.requireNonNull(userid, "userid");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(secret, "secret");
    }

    /**
     * Parses an {@code Authorization} header value. Returns empty for anything that is not a well-formed
     * {@code PVEAPIToken} (other schemes, missing parts, bad percent-encoding, null); never throws.
     */
    public static Optional<ApiToken> parseAuthorizationHeader(String value) {
        if (value == null || value.length() > 4096) {
            return Optional.empty();
        }
        Matcher header = HEADER.matcher(value);
        if (!header.matches()) {
            return Optional.empty();
        }
        Optional<String> decoded = PercentDecoding.decode(header.group(1));
        if (decoded.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = VALUE.matcher(decoded.get());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new ApiToken(m.group(1), m.group(2), m.group(3)));
    }

    /** {@code USER@REALM!TOKENID}, the full token id as Proxmox shows it. */
    public String fullTokenId() {
        return userid + "!" + tokenId;
    }

    @Override
    public String toString() {
        return "ApiToken[" + fullTokenId() + ", secret=***]";
    }
}
