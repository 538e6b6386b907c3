package org.patientvault.vault.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.UUID;
import java.util.function.Predicate;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.IdType;
import org.patientvault.vault.access.PolicyRefusal;
import org.patientvault.vault.problem.VaultConflict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Callers never see a stack trace or an internal class name. Parse failures are the caller's fault (400); anything
 * unexpected becomes a 500 with an incident id that is also in our log, so support can find it.
 */
@Interceptor
final class SafeErrorInterceptor {

    private final long maxBytes;
    private final Predicate<IIdType> mayKnowDeleted;

    /**
     * @param maxBytes       the request-size limit named in 413 answers
     * @param mayKnowDeleted whether the current caller may be told that this id was deleted (410); otherwise a
     *                       deleted id is answered like one that never existed
     */
    SafeErrorInterceptor(long maxBytes, Predicate<IIdType> mayKnowDeleted) {
        this.maxBytes = maxBytes;
        this.mayKnowDeleted = mayKnowDeleted;
    }

    private static final Logger LOG = LoggerFactory.getLogger(SafeErrorInterceptor.class);

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException sanitize(RequestDetails request, Throwable exception) {
        if (request instanceof ServletRequestDetails servlet && servlet.getServletRequest() != null
                && servlet.getServletRequest().getAttribute(RequestSizeLimitFilter.TOO_LARGE_ATTRIBUTE) != null) {
            return new PayloadTooLargeException("Request body exceeds the limit of " + maxBytes
                    + " bytes (vault.fhir.max-request-size)");
        }
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RequestSizeLimitFilter.BodyTooLargeException tooLarge) {
                return new PayloadTooLargeException(tooLarge.getMessage());
            }
            if (isParseFailure(t)) {
                return new InvalidRequestException("The request body is not valid FHIR JSON or XML: "
                        + parserMessage(t.getMessage()));
            }
            if (t instanceof BaseServerResponseException known && known.getStatusCode() < 500) {
                return hideExistence(request, known);
            }
        }
        String incident = UUID.randomUUID().toString();
        LOG.error("Unexpected error on {} {} (incident {})", request.getRequestType(), request.getRequestPath(),
                incident, exception);
        return new InternalErrorException("Internal error (incident " + incident + ")");
    }

    /**
     * A foreign record and a record that does not exist are answered alike, so existence does not leak: on a route
     * naming one resource, "forbidden" becomes the same 404 a missing id gets; elsewhere the denial says no more than
     * "access denied" (the rule that fired stays in our log).
     */
    private BaseServerResponseException hideExistence(RequestDetails request, BaseServerResponseException e) {
        int status = e.getStatusCode();
        if (status == 409 || status == 412) {
            return storedContentFree(e);
        }
        if (status != 403 && status != 404 && status != 410) {
            return e;
        }
        IIdType id = request.getId();
        if (id != null && id.hasIdPart()) {
            if (status == 410 && mayKnowDeleted.test(new IdType(request.getResourceName(), id.getIdPart()))) {
                // HAPI says "gone" before authorization sees the resource; only the record's owners may hear it.
                return e;
            }
            return new ResourceNotFoundException("Resource " + request.getResourceName() + "/" + id.getIdPart()
                    + " is not known");
        }
        if (status == 403 && e instanceof PolicyRefusal) {
            return e;
        }
        if (status == 403) {
            LOG.debug("Denied {} {}: {}", request.getRequestType(), request.getRequestPath(), e.getMessage());
            return new ForbiddenOperationException("Access denied");
        }
        return e;
    }

    /**
     * HAPI's conflict and precondition messages name stored records: the resources that refer to one being deleted
     * (which may be other hospitals'), the versions of a record, how many records a match URL matched. They are
     * replaced by fixed text; the vault's own conflict messages (marked {@link VaultConflict}) name only what the
     * caller sent or owns and pass unchanged.
     */
    private static BaseServerResponseException storedContentFree(BaseServerResponseException e) {
        if (e instanceof VaultConflict) {
            return e;
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (e.getStatusCode() == 412) {
            return new PreconditionFailedException("The conditional request matched more than one of your records;"
                    + " make its criteria more specific");
        }
        if (message.contains("Unable to delete") || message.contains("reference")) {
            return new ResourceVersionConflictException("The resource cannot be deleted: other records refer to it");
        }
        if (message.contains("version")) {
            return new ResourceVersionConflictException("Version conflict: the record changed since the version you"
                    + " sent (If-Match or the Bundle entry's ifMatch); read it again and resend");
        }
        return new ResourceVersionConflictException("The request conflicts with the current state of the record");
    }

    /** Parsers used on the request path: HAPI's own, and gson/Jackson/StAX underneath the validator. */
    private static boolean isParseFailure(Throwable t) {
        String name = t.getClass().getName();
        String message = t.getMessage() == null ? "" : t.getMessage();
        // HAPI's validator rethrows gson's syntax errors as an InternalErrorException carrying only the message.
        return t instanceof DataFormatException
                || message.contains("com.google.gson.JsonSyntaxException")
                || message.contains("com.google.gson.stream.MalformedJsonException")
                || name.startsWith("com.google.gson.")
                || name.startsWith("com.fasterxml.jackson.core.")
                || t instanceof javax.xml.stream.XMLStreamException
                || t instanceof org.xml.sax.SAXException;
    }

    /** The parser's own words (line, column, path) without the exception class names wrapped around them. */
    private static String parserMessage(String s) {
        String line = firstLine(s);
        int cut = line.lastIndexOf("Exception: ");
        return cut < 0 ? line : line.substring(cut + "Exception: ".length());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable content";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
