package org.patientvault.storage;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.binary.api.IBinaryStorageSvc;
import ca.uhn.fhir.jpa.binary.api.StoredDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import ca.uhn.fhir.util.BinaryUtil;
import ca.uhn.fhir.util.HapiExtensions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Date;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseBinary;
import org.hl7.fhir.instance.model.api.IBaseExtension;
import org.hl7.fhir.instance.model.api.IBaseHasExtensions;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.patientvault.storage.StorageInputException.Reason;

/**
 * HAPI FHIR 8.8.0 binary storage on the {@link EncryptedObjectStore}: {@code Binary} content and
 * {@code Attachment.data} of at least the inline threshold are externalised, encrypted under the key of the owner
 * the resolver names (the patient), and streamed. Shaped like HAPI's FilesystemBinaryStorageSvcImpl: config checked
 * in the constructor, content counted and hashed while streamed, and a small descriptor per blob — here the
 * object's authenticated trailer (size, SHA-256) plus its S3 content type, so blob and descriptor can never part.
 *
 * <p>Blob {@code <id>} is object {@code binary/<id>} ({@link #objectKey(String)}); that is the key space the
 * {@link OrphanReconciler} sweeps. HAPI writes the blob in its pre-commit hook, so the object is complete before
 * the referencing row commits. HAPI exceptions are thrown so statuses come out right: 413 too large, 400 bad input,
 * 404 unknown blob, 410 owner crypto-shredded, 503 S3 down, 500 integrity failure.
 */
public final class VaultBinaryStorageSvc implements IBinaryStorageSvc {

    /** Key prefix of every blob this service stores. */
    public static final String OBJECT_PREFIX = "binary/";
    /** Owner used when the resolver gives none (no patient context, e.g. system writes). */
    public static final String DEFAULT_OWNER = "vault";
    /** Default inline threshold: smaller content stays in the resource row. */
    public static final int DEFAULT_INLINE_THRESHOLD = 64 * 1024;
    /** Default maximum blob size (2 GiB). */
    public static final long DEFAULT_MAXIMUM_SIZE = 2L * 1024 * 1024 * 1024;

    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final FhirContext fhirContext;
    private final EncryptedObjectStore store;
    private final Function<RequestDetails, String> ownerResolver;
    private final Consumer<Runnable> expungeDeletions;
    private volatile int minimumBinarySize;
    private volatile long maximumBinarySize;

    /** With the default inline threshold (64 KiB) and maximum (2 GiB, or the store's maximum if lower). */
    public VaultBinaryStorageSvc(FhirContext fhirContext, EncryptedObjectStore store,
            Function<RequestDetails, String> ownerResolver) {
        this(fhirContext, store, ownerResolver, DEFAULT_INLINE_THRESHOLD,
                store == null ? DEFAULT_MAXIMUM_SIZE : Math.min(DEFAULT_MAXIMUM_SIZE, store.maxObjectSize()));
    }

    /**
     * @param ownerResolver   names the key owner (vault Patient id) for a write; may return null, and may be given
     *                        null RequestDetails, in which case {@link #DEFAULT_OWNER} is used
     * @param inlineThreshold content below this many bytes stays inline in the resource
     * @param maximumSize     largest blob accepted (413 above), at most the store's maximum
     */
    public VaultBinaryStorageSvc(FhirContext fhirContext, EncryptedObjectStore store,
            Function<RequestDetails, String> ownerResolver, int inlineThreshold, long maximumSize) {
        this(fhirContext, store, ownerResolver, inlineThreshold, maximumSize, Runnable::run);
    }

    /**
     * @param expungeDeletions runs the object deletion of {@link #expungeBinaryContent}; HAPI calls that inside the
     *                         expunge's database transaction, so an application with transactions passes one that
     *                         runs the deletion after the commit (and not at all on rollback, so a rolled-back
     *                         expunge keeps the bytes; a deletion lost to a crash leaves an orphan the reconciler
     *                         collects). The other constructors delete at once.
     */
    public VaultBinaryStorageSvc(FhirContext fhirContext, EncryptedObjectStore store,
            Function<RequestDetails, String> ownerResolver, int inlineThreshold, long maximumSize,
            Consumer<Runnable> expungeDeletions) {
        if (fhirContext == null || store == null || ownerResolver == null || expungeDeletions == null) {
            throw new StorageConfigException("Binary storage needs a FhirContext, an encrypted store, an owner resolver"
                    + " and an expunge deletion policy");
        }
        if (inlineThreshold < 0) {
            throw new StorageConfigException("Inline threshold must be zero or positive, got " + inlineThreshold);
        }
        if (maximumSize < 1 || maximumSize > store.maxObjectSize()) {
            throw new StorageConfigException("Maximum binary size must be 1.." + store.maxObjectSize() + ", got "
                    + maximumSize);
        }
        this.fhirContext = fhirContext;
        this.store = store;
        this.ownerResolver = ownerResolver;
        this.expungeDeletions = expungeDeletions;
        this.minimumBinarySize = inlineThreshold;
        this.maximumBinarySize = maximumSize;
    }

    /** The object key of a blob id. */
    public static String objectKey(String binaryContentId) {
        return OBJECT_PREFIX + binaryContentId;
    }

    @Override
    public long getMaximumBinarySize() {
        return maximumBinarySize;
    }

    @Override
    public void setMaximumBinarySize(long theMaximumBinarySize) {
        if (theMaximumBinarySize < 1 || theMaximumBinarySize > store.maxObjectSize()) {
            throw new StorageConfigException("Maximum binary size must be 1.." + store.maxObjectSize());
        }
        maximumBinarySize = theMaximumBinarySize;
    }

    @Override
    public int getMinimumBinarySize() {
        return minimumBinarySize;
    }

    @Override
    public void setMinimumBinarySize(int theMinimumBinarySize) {
        if (theMinimumBinarySize < 0) {
            throw new StorageConfigException("Inline threshold must be zero or positive");
        }
        minimumBinarySize = theMinimumBinarySize;
    }

    /** Ids become object keys: letters, digits, '.', '_' and '-' only, at most 200. */
    @Override
    public boolean isValidBinaryContentId(String theNewBinaryContentId) {
        return theNewBinaryContentId != null && theNewBinaryContentId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    }

    @Override
    public boolean shouldStoreBinaryContent(long theSize, IIdType theResourceId, String theContentType) {
        return theSize >= minimumBinarySize;
    }

    @Override
    public String newBinaryContentId() {
        StringBuilder b = new StringBuilder(64);
        for (int i = 0; i < 64; i++) {
            b.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
        }
        return b.toString();
    }

    @Override
    public StoredDetails storeBinaryContent(IIdType theResourceId, String theBlobIdOrNull, String theContentType,
            InputStream theInputStream, RequestDetails theRequestDetails) throws IOException {
        String id = theBlobIdOrNull == null || theBlobIdOrNull.isBlank() ? newBinaryContentId() : theBlobIdOrNull;
        if (!isValidBinaryContentId(id)) {
            throw new InvalidRequestException("Binary content id '" + id
                    + "' is not valid (letters, digits, . _ - only)");
        }
        String owner = owner(theRequestDetails);
        try {
            StoredObject stored = store.put(owner, objectKey(id), theInputStream, ObjectStore.UNKNOWN_LENGTH,
                    theContentType, false, maximumBinarySize);
            return details(id, stored);
        } catch (StorageException e) {
            throw toHapi(e, id);
        }
    }

    @Override
    public StoredDetails fetchBinaryContentDetails(IIdType theResourceId, String theBlobId) throws IOException {
        if (!isValidBinaryContentId(theBlobId)) {
            return null;
        }
        try {
            return details(theBlobId, store.describe(objectKey(theBlobId)));
        } catch (ObjectNotFoundException e) {
            return null;
        } catch (StorageException e) {
            throw toHapi(e, theBlobId);
        }
    }

    @Override
    public boolean writeBinaryContent(IIdType theResourceId, String theBlobId, OutputStream theOutputStream)
            throws IOException {
        if (!isValidBinaryContentId(theBlobId)) {
            return false;
        }
        try (InputStream in = store.get(objectKey(theBlobId))) {
            in.transferTo(theOutputStream);
            return true;
        } catch (ObjectNotFoundException e) {
            return false;
        } catch (StorageException e) {
            throw toHapi(e, theBlobId);
        }
    }

    /**
     * Plaintext bytes {@code [offset, offset+length)} of a blob, decrypting only the covering segments: for
     * {@code Range} requests on {@code GET /fhir/Binary/{id}}. The caller closes the stream.
     */
    public InputStream openRange(String binaryContentId, long offset, long length) {
        requireValid(binaryContentId);
        try {
            return store.get(objectKey(binaryContentId), offset, length);
        } catch (StorageException e) {
            throw toHapi(e, binaryContentId);
        }
    }

    @Override
    public void expungeBinaryContent(IIdType theResourceId, String theBlobId) {
        if (!isValidBinaryContentId(theBlobId)) {
            return;
        }
        String key = objectKey(theBlobId);
        expungeDeletions.accept(() -> {
            try {
                store.delete(key);
            } catch (StorageException e) {
                throw toHapi(e, theBlobId);
            }
        });
    }

    @Override
    public byte[] fetchBinaryContent(IIdType theResourceId, String theBlobId) throws IOException {
        requireValid(theBlobId);
        try (InputStream in = store.get(objectKey(theBlobId))) {
            return in.readAllBytes();
        } catch (ObjectNotFoundException e) {
            throw new ResourceNotFoundException("Unknown binary content id " + theBlobId + " for resource "
                    + theResourceId);
        } catch (StorageException e) {
            throw toHapi(e, theBlobId);
        } catch (OutOfMemoryError e) {
            throw new PayloadTooLargeException("Binary content " + theBlobId
                    + " is too large to load whole; stream it");
        }
    }

    @Override
    public byte[] fetchDataByteArrayFromBinary(IBaseBinary theBaseBinary) throws IOException {
        IPrimitiveType<byte[]> data = BinaryUtil.getOrCreateData(fhirContext, theBaseBinary);
        byte[] value = data.getValue();
        if (value != null) {
            return value;
        }
        if (data instanceof IBaseHasExtensions withExtensions) {
            for (IBaseExtension<?, ?> ext : withExtensions.getExtension()) {
                if (HapiExtensions.EXT_EXTERNALIZED_BINARY_ID.equals(ext.getUrl())
                        && ext.getValue() instanceof IPrimitiveType<?> p && p.getValueAsString() != null
                        && !p.getValueAsString().isBlank()) {
                    return fetchBinaryContent(theBaseBinary.getIdElement(), p.getValueAsString());
                }
            }
        }
        throw new InternalErrorException("Binary " + theBaseBinary.getIdElement()
                + " has neither data nor an externalised id");
    }

    private String owner(RequestDetails requestDetails) {
        String owner = ownerResolver.apply(requestDetails);
        return owner == null || owner.isBlank() ? DEFAULT_OWNER : owner;
    }

    private void requireValid(String id) {
        if (!isValidBinaryContentId(id)) {
            throw new InvalidRequestException("Binary content id '" + id + "' is not valid");
        }
    }

    private static StoredDetails details(String id, StoredObject stored) {
        return new StoredDetails()
                .setBinaryContentId(id)
                .setBytes(stored.size())
                .setContentType(stored.contentType())
                .setHash(stored.sha256Hex())
                .setPublished(stored.created() == null ? new Date() : Date.from(stored.created()));
    }

    private static RuntimeException toHapi(StorageException e, String id) {
        if (e instanceof StorageInputException in) {
            return in.reason() == Reason.TOO_LARGE ? new PayloadTooLargeException(in.getMessage())
                    : new InvalidRequestException(in.getMessage());
        }
        if (e instanceof ObjectNotFoundException) {
            return new ResourceNotFoundException("Unknown binary content id " + id);
        }
        if (e instanceof OwnerKeyDestroyedException) {
            return new ResourceGoneException("Binary content " + id + " was erased (its owner's key was destroyed)");
        }
        if (e instanceof StorageUnavailableException) {
            return new UnclassifiedServerFailureException(503, "Object storage is unavailable: " + e.getMessage());
        }
        return new InternalErrorException("Binary content " + id + " failed verification: " + e.getMessage(), e);
    }
}
