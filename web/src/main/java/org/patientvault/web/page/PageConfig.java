package org.patientvault.web.page;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.patientvault.web.WebUi;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The role gate on every page, and {@link Caller} as a handler argument. */
@Configuration(proxyBeanMethods = false)
class PageConfig implements WebMvcConfigurer {

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new RoleGate()).addPathPatterns(WebUi.BASE, WebUi.BASE + "/**");
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new CallerArgument());
    }

    /** Resolves a {@link Caller} parameter; a page reached without one is refused (the gate lets none through). */
    static final class CallerArgument implements HandlerMethodArgumentResolver {

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return parameter.getParameterType() == Caller.class;
        }

        @Override
        public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
                                      WebDataBinderFactory binders) {
            Caller caller = Caller.of(request.getNativeRequest(HttpServletRequest.class));
            if (caller == null) {
                throw new PageRefused(403, "error.refused");
            }
            return caller;
        }
    }
}
