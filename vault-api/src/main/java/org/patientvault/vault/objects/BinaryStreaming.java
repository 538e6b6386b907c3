package org.patientvault.vault.objects;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.binary.api.StoredDetails;
import ca.uhn.fhir.jpa.binary.interceptor.BinaryStorageInterceptor;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.util.HapiExtensions;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Extension;
import org.patientvault.storage.VaultBinaryStorageSvc;

/**
 * Serves the raw bytes of {@code GET /fhir/Binary/{id}} (and its vread) when the client asks for the content rather
 * than the FHIR resource, streamed from the object store, with single-range {@code Range} support (206 and
 * {@code Content-Range}; 416 when unsatisfiable; several ranges are answered with the whole content, which
 * RFC 9110 allows).
 *
 * <p>Why a hook and not a servlet filter: {@code SERVER_OUTGOING_RESPONSE} runs after the DAO read, authorization
 * and consent have passed the Binary (this hook is ordered last), so streaming adds no route around the rules. For
 * raw reads the Binary is not inflated into memory first ({@code AUTO_INFLATE_BINARY_CONTENT_KEY} = false); the
 * content is copied from the store in 8 KiB steps and a range decrypts only the segments covering it.
 *
 * <p>The response carries {@code X-Content-Type-Options: nosniff} and {@code Content-Security-Policy: sandbox}: the
 * content type is the submitter's, and the bytes must never run as a page of the vault's origin.
 */
@Interceptor
public final class BinaryStreaming {

    /** After every other outgoing-response hook (authorization, consent, audit). */
    static final int ORDER = 10_000;

    private final VaultBinaryStorageSvc binaries;

    BinaryStreaming(VaultBinaryStorageSvc binaries) {
        this.binaries = binaries;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void preHandled(RequestDetails request, RestOperationTypeEnum operation) {
        if (isRawBinaryRead(request, operation)) {
            request.getUserData().put(BinaryStorageInterceptor.AUTO_INFLATE_BINARY_CONTENT_KEY, Boolean.FALSE);
        }
    }

    @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = ORDER)
    public boolean outgoing(RequestDetails request, ResponseDetails response, HttpServletResponse servletResponse)
            throws IOException {
        if (!isRawBinaryRead(request, request.getRestOperationType())
                || !(response.getResponseResource() instanceof Binary binary)) {
            return true;
        }
        Optional<String> blobId = externalId(binary);
        long size;
        if (blobId.isPresent()) {
            StoredDetails details = binaries.fetchBinaryContentDetails(binary.getIdElement(), blobId.get());
            if (details == null) {
                throw new ResourceNotFoundException("The content of " + binary.getIdElement().toUnqualifiedVersionless()
                        .getValue() + " is not available");
            }
            size = details.getBytes();
        } else {
            size = binary.getData() == null ? 0 : binary.getData().length;
        }
        ByteRange range = ByteRange.parse(request.getHeader("Range"), size);
        servletResponse.setHeader("Accept-Ranges", "bytes");
        servletResponse.setHeader("X-Content-Type-Options", "nosniff");
        servletResponse.setHeader("Content-Security-Policy", "sandbox");
        if (range == ByteRange.UNSATISFIABLE) {
            servletResponse.setStatus(416);
            servletResponse.setHeader("Content-Range", "bytes */" + size);
            servletResponse.setContentLength(0);
            return false;
        }
        long offset = range == null ? 0 : range.start();
        long length = range == null ? size : range.length();
        servletResponse.setStatus(range == null ? 200 : 206);
        if (range != null) {
            servletResponse.setHeader("Content-Range", "bytes " + range.start() + "-" + range.endInclusive() + "/" + size);
        }
        servletResponse.setContentType(binary.hasContentType() ? binary.getContentType() : "application/octet-stream");
        servletResponse.setContentLengthLong(length);
        if (length == 0) {
            return false;
        }
        if (blobId.isEmpty()) {
            servletResponse.getOutputStream().write(binary.getData(), (int) offset, (int) length);
            return false;
        }
        if (range == null) {
            // A full read verifies the SHA-256 recorded at write; a store failure surfaces before the first byte.
            if (!binaries.writeBinaryContent(binary.getIdElement(), blobId.get(), servletResponse.getOutputStream())) {
                throw new ResourceNotFoundException("The content of " + binary.getIdElement().toUnqualifiedVersionless()
                        .getValue() + " is not available");
            }
        } else {
            try (InputStream in = binaries.openRange(blobId.get(), offset, length)) {
                copy(in, servletResponse.getOutputStream());
            }
        }
        return false;
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
        }
        out.flush();
    }

    static Optional<String> externalId(Binary binary) {
        Base64BinaryType data = binary.getDataElement();
        if (data == null) {
            return Optional.empty();
        }
        return data.getExtension().stream()
                .filter(e -> HapiExtensions.EXT_EXTERNALIZED_BINARY_ID.equals(e.getUrl()))
                .map(Extension::getValue).filter(v -> v != null && v.isPrimitive())
                .map(v -> v.primitiveValue()).filter(v -> v != null && !v.isBlank()).findFirst();
    }

    private static boolean isRawBinaryRead(RequestDetails request, RestOperationTypeEnum operation) {
        return "Binary".equals(request.getResourceName())
                && (operation == RestOperationTypeEnum.READ || operation == RestOperationTypeEnum.VREAD)
                && request.getServer() != null
                && RestfulServerUtils.determineResponseEncodingNoDefault(request,
                        request.getServer().getDefaultResponseEncoding()) == null;
    }

    /** One byte range of a representation of {@code size} bytes. */
    record ByteRange(long start, long endInclusive) {
        static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

        long length() {
            return endInclusive - start + 1;
        }

        /**
         * The single range a {@code Range} header asks for; null for "whole content" (no header, another unit,
         * several ranges or a malformed value, all of which RFC 9110 lets a server ignore); {@link #UNSATISFIABLE}
         * when it starts at or past the end.
         */
        static ByteRange parse(String header, long size) {
            if (header == null) {
                return null;
            }
            String h = header.strip();
            if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0) {
                return null;
            }
            String spec = h.substring(6).strip();
            int dash = spec.indexOf('-');
            if (dash < 0) {
                return null;
            }
            String first = spec.substring(0, dash).strip();
            String last = spec.substring(dash + 1).strip();
            try {
                if (first.isEmpty()) {
                    if (last.isEmpty()) {
                        return null;
                    }
                    long suffix = Long.parseLong(last);
                    if (suffix <= 0 || size == 0) {
                        return UNSATISFIABLE;
                    }
                    return new ByteRange(Math.max(0, size - suffix), size - 1);
                }
                long start = Long.parseLong(first);
                long end = last.isEmpty() ? Long.MAX_VALUE : Long.parseLong(last);
                if (start < 0 || end < start) {
                    return null;
                }
                if (start >= size) {
                    return UNSATISFIABLE;
                }
                return new ByteRange(start, Math.min(end, size - 1));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
