package org.patientvault.web.i18n;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Locale;
import org.patientvault.mobile.support.Texts;
import org.patientvault.web.WebUi;
import org.springframework.context.MessageSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.ResourceBundleMessageSource;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.CookieLocaleResolver;
import org.springframework.web.servlet.support.RequestContextUtils;

/**
 * Chinese first: the UI speaks zh-CN unless the user picks English ({@code ?lang=en}, remembered in a cookie for a
 * year; {@code ?lang=zh-CN} switches back). The chosen language is handed to mobile-api's {@link Texts} too, so the
 * record texts the patient services produce (kinds, flags, consent explanations) follow the page's language.
 */
@Configuration(proxyBeanMethods = false)
class WebLocaleConfig implements WebMvcConfigurer {

    static final String COOKIE = "pv_lang";

    /** Only the UI's pages switch language; the API keeps reading {@code Accept-Language}. */
    @Bean
    LocaleResolver localeResolver() {
        CookieLocaleResolver resolver = new CookieLocaleResolver(COOKIE);
        resolver.setDefaultLocale(Texts.ZH);
        resolver.setCookieMaxAge(Duration.ofDays(365));
        resolver.setCookieHttpOnly(true);
        resolver.setCookieSameSite("Lax");
        return resolver;
    }

    /** The UI's texts, {@code web/messages*.properties} in UTF-8 (the default file is Simplified Chinese). */
    @Bean
    MessageSource messageSource() {
        ResourceBundleMessageSource messages = new ResourceBundleMessageSource();
        // One bundle per area, so the areas grow without editing one shared file.
        messages.setBasenames("web/messages", "web/patient", "web/console");
        messages.setDefaultEncoding("UTF-8");
        messages.setFallbackToSystemLocale(false);
        messages.setUseCodeAsDefaultMessage(false);
        return messages;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                String lang = request.getParameter("lang");
                LocaleResolver resolver = RequestContextUtils.getLocaleResolver(request);
                if (lang != null && resolver != null) {
                    resolver.setLocale(request, response, lang.toLowerCase(Locale.ROOT).startsWith("en")
                            ? Texts.EN : Texts.ZH);
                }
                Locale chosen = resolver == null ? Texts.ZH : resolver.resolveLocale(request);
                request.setAttribute(Texts.CHOSEN_LOCALE, chosen);
                return true;
            }
        }).addPathPatterns(WebUi.BASE, WebUi.BASE + "/**");
    }
}
