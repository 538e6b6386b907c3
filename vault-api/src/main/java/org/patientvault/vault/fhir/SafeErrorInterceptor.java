package org.patientvault.vault.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Callers never see a stack trace or an internal class name. Parse failures are the caller's fault (400); anything
 * unexpected becomes a 500 with an incident id that is also in our log, so support can find it.
 */
@Interceptor
final class SafeErrorInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(SafeErrorInterceptor.class);

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException sanitize(RequestDetails request, Throwable exception) {
        Throwable root = rootOf(exception);
        if (exception instanceof BaseServerResponseException known && known.getStatusCode() < 500) {
            return known;
        }
        if (root instanceof RequestSizeLimitFilter.BodyTooLargeException tooLarge) {
            return new PayloadTooLargeException(tooLarge.getMessage());
        }
        if (root instanceof DataFormatException || exception instanceof DataFormatException) {
            return new InvalidRequestException("The request body is not valid FHIR: " + firstLine(root.getMessage()));
        }
        if (root instanceof BaseServerResponseException known && known.getStatusCode() < 500) {
            return known;
        }
        String incident = UUID.randomUUID().toString();
        LOG.error("Unexpected error on {} {} (incident {})", request.getRequestType(), request.getRequestPath(),
                incident, exception);
        return new InternalErrorException("Internal error (incident " + incident + ")");
    }

    private static Throwable rootOf(Throwable t) {
        Throwable cur = t;
        while (cur.getCause() != null && cur.getCause() != cur) {
            if (cur instanceof BaseServerResponseException b && b.getStatusCode() < 500) {
                return cur;
            }
            cur = cur.getCause();
        }
        return cur;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable content";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
