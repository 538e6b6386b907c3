package org.patientvault.vault.edge;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.patientvault.mobile.port.CallerContexts;
import org.patientvault.vault.audit.AuditBatch;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * {@link CallerContexts} by thread binding: the request's {@link Authentication} (validated by the resource server
 * when the request came in) and a stand-in for the finished HTTP request that carries only its address and
 * {@code Accept-Language}. The in-process {@code /fhir} dispatch wraps that stand-in, so the worker's FHIR calls run
 * every interceptor as the caller's own requests do (authorization, narrowing, consent, audit).
 *
 * <p>Why a stand-in: the container recycles the real request object once the response is sent.
 */
@Component
class ThreadCallerContexts implements CallerContexts {

    @Override
    public Captured capture() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated()
                || !(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes servlet)) {
            throw new IllegalStateException("no authenticated request to capture the caller from");
        }
        HttpServletRequest outer = servlet.getRequest();
        String url = outer.getRequestURL().toString();
        Snapshot snapshot = new Snapshot(url.substring(0, url.length() - outer.getRequestURI().length()),
                outer.getContextPath(), outer.getScheme(), outer.getServerName(), outer.getServerPort(),
                outer.getRemoteAddr(), outer.getHeader("Accept-Language"), outer.getServletContext(), auth);
        // Requests made for a batch-audited edge request stay in its batch on the worker (CallerRecords#auditedAsOne).
        AuditBatch batch = AuditBatch.current().orElse(null);
        return batch == null ? snapshot::run : work -> batch.call(() -> {
            snapshot.run(work);
            return null;
        });
    }

    private record Snapshot(String root, String contextPath, String scheme, String serverName, int serverPort,
                            String remoteAddr, String acceptLanguage, ServletContext servletContext,
                            Authentication auth) {

        void run(Runnable work) {
            SecurityContext previousSecurity = SecurityContextHolder.getContext();
            RequestAttributes previousRequest = RequestContextHolder.getRequestAttributes();
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(auth);
            ServletRequestAttributes attributes = new ServletRequestAttributes(request());
            SecurityContextHolder.setContext(context);
            RequestContextHolder.setRequestAttributes(attributes);
            try {
                work.run();
            } finally {
                attributes.requestCompleted();
                RequestContextHolder.setRequestAttributes(previousRequest);
                SecurityContextHolder.setContext(previousSecurity);
            }
        }

        /** Answers what the dispatch and request-scoped beans ask; everything else is absent. */
        private HttpServletRequest request() {
            Map<String, Object> attributes = new ConcurrentHashMap<>();
            String uri = contextPath + "/mobile/v1/exports";
            return (HttpServletRequest) Proxy.newProxyInstance(ThreadCallerContexts.class.getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "getRequestURL" -> new StringBuffer(root).append(uri);
                        case "getRequestURI" -> uri;
                        case "getContextPath" -> contextPath;
                        case "getServletPath" -> "";
                        case "getMethod" -> "GET";
                        case "getScheme" -> scheme;
                        case "getServerName", "getLocalName" -> serverName;
                        case "getServerPort", "getLocalPort" -> serverPort;
                        case "getRemoteAddr", "getRemoteHost", "getLocalAddr" -> remoteAddr;
                        case "getProtocol" -> "HTTP/1.1";
                        case "isSecure" -> "https".equals(scheme);
                        case "getDispatcherType" -> DispatcherType.REQUEST;
                        case "getServletContext" -> servletContext;
                        case "getUserPrincipal" -> auth;
                        case "getCharacterEncoding" -> "UTF-8";
                        case "getLocale" -> Locale.ROOT;
                        case "getLocales" -> Collections.enumeration(List.of(Locale.ROOT));
                        case "getHeader" -> "accept-language".equalsIgnoreCase((String) args[0]) ? acceptLanguage
                                : null;
                        case "getHeaders" -> "accept-language".equalsIgnoreCase((String) args[0])
                                && acceptLanguage != null ? Collections.enumeration(List.of(acceptLanguage))
                                : Collections.emptyEnumeration();
                        case "getHeaderNames" -> Collections.enumeration(acceptLanguage == null ? List.<String>of()
                                : List.of("Accept-Language"));
                        case "getIntHeader" -> -1;
                        case "getDateHeader", "getContentLengthLong" -> -1L;
                        case "getContentLength" -> -1;
                        case "getAttribute" -> attributes.get((String) args[0]);
                        case "setAttribute" -> {
                            if (args[1] == null) {
                                attributes.remove((String) args[0]);
                            } else {
                                attributes.put((String) args[0], args[1]);
                            }
                            yield null;
                        }
                        case "removeAttribute" -> attributes.remove((String) args[0]);
                        case "getAttributeNames" -> Collections.enumeration(List.copyOf(attributes.keySet()));
                        case "getParameterMap" -> Map.of();
                        case "getParameterNames" -> Collections.emptyEnumeration();
                        case "isUserInRole", "isAsyncStarted", "isAsyncSupported", "isRequestedSessionIdValid" -> false;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "detached request of " + auth.getName();
                        default -> null;
                    });
        }
    }
}
