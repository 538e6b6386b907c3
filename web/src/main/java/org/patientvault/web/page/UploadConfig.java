package org.patientvault.web.page;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.HttpServletRequest;
import org.patientvault.web.WebProperties;
import org.patientvault.web.WebUi;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.multipart.MultipartResolver;
import org.springframework.web.multipart.support.StandardServletMultipartResolver;

/**
 * File uploads of the UI's forms ({@code multipart/form-data} under {@code /app} only). The API turns multipart
 * parsing off ({@code spring.servlet.multipart.enabled=false}) because STOW-RS reads its {@code multipart/related}
 * body as a stream; this resolver leaves every other path alone, and the container parses a form only when a page
 * asks for it. Parts above 1 MB are spooled to a temporary file, never held in memory.
 *
 * <p>The container's cap is the UI's limit plus 16 MB, so a file somewhat too large reaches the page, which refuses it
 * with a message next to the field ({@code vault.web.max-upload}); the browser checks the size before sending too.
 */
@Configuration(proxyBeanMethods = false)
class UploadConfig {

    static final long SLACK = 16L << 20;

    @Bean
    MultipartConfigElement multipartConfigElement(WebProperties props) {
        long cap = props.maxUpload().toBytes() + SLACK;
        return new MultipartConfigElement(System.getProperty("java.io.tmpdir"), cap, cap, 1 << 20);
    }

    @Bean
    MultipartResolver multipartResolver() {
        return new StandardServletMultipartResolver() {
            @Override
            public boolean isMultipart(HttpServletRequest request) {
                String path = request.getRequestURI().substring(request.getContextPath().length());
                String type = request.getContentType();
                return path.startsWith(WebUi.BASE + "/") && type != null
                        && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data");
            }
        };
    }
}
