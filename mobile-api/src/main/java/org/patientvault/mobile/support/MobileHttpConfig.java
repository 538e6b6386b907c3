package org.patientvault.mobile.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.patientvault.mobile.MobileApi;
import org.patientvault.mobile.MobileProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.ShallowEtagHeaderFilter;

/**
 * The patient API's HTTP conventions, as servlet filters on {@code /mobile/v1/*} (after Spring Security):
 * <ul>
 *   <li>refusals made before a controller is chosen (unknown path, method) are problem JSON ({@link ErrorBodies});</li>
 *   <li>request bodies over {@code vault.mobile.max-body-bytes} are refused with 413 ({@link BodyLimit});</li>
 *   <li>every successful read carries an {@code ETag} (a hash of the exact body, so it differs per language and per
 *       page) and answers {@code If-None-Match} with 304; reads are {@code Cache-Control: private, no-cache} (a
 *       patient's record never sits in a shared cache, and the client revalidates each time).</li>
 * </ul>
 * Hashing the body costs the body's size once per read; the saving is the transfer to a phone.
 */
@Configuration(proxyBeanMethods = false)
class MobileHttpConfig {

    @Bean
    FilterRegistrationBean<BodyLimit> mobileBodyLimit(MobileProperties props, ObjectMapper json) {
        FilterRegistrationBean<BodyLimit> r = new FilterRegistrationBean<>(
                new BodyLimit(props.maxBodyBytes(), new ProblemWriter(json)));
        r.addUrlPatterns(MobileApi.BASE + "/*");
        r.setOrder(0);
        return r;
    }

    @Bean
    FilterRegistrationBean<ErrorBodies> mobileErrorBodies(ObjectMapper json) {
        FilterRegistrationBean<ErrorBodies> r = new FilterRegistrationBean<>(new ErrorBodies(new ProblemWriter(json)));
        r.addUrlPatterns(MobileApi.BASE + "/*");
        r.setOrder(2);
        return r;
    }

    @Bean
    FilterRegistrationBean<ShallowEtagHeaderFilter> mobileEtags() {
        ShallowEtagHeaderFilter etags = new ShallowEtagHeaderFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                                            FilterChain chain) throws ServletException, IOException {
                response.setHeader("Content-Language",
                        Texts.choose(request.getHeader("Accept-Language")).toLanguageTag());
                if ("GET".equals(request.getMethod())) {
                    response.setHeader("Cache-Control", "private, no-cache");
                    response.setHeader("Vary", "Authorization, Accept-Language");
                }
                super.doFilterInternal(request, response, chain);
            }
        };
        FilterRegistrationBean<ShallowEtagHeaderFilter> r = new FilterRegistrationBean<>(etags);
        r.addUrlPatterns(MobileApi.BASE + "/*");
        r.setOrder(1);
        return r;
    }
}
