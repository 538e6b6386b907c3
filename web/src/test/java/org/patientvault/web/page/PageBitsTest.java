package org.patientvault.web.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.patientvault.mobile.MobileProperties;
import org.patientvault.web.port.SignedInCallers.Role;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class PageBitsTest {

    private final Formats fmt = new Formats(new MobileProperties(null, null, null, null, ZoneId.of("Asia/Shanghai")));

    @AfterEach
    void resetLocale() {
        LocaleContextHolder.resetLocaleContext();
    }

    @Test
    void everyPathBelongsToOneAreaOrNone() {
        assertThat(RoleGate.areaOf("/app/patient/records")).map(RoleGate.Area::role).contains(Role.PATIENT);
        assertThat(RoleGate.areaOf("/app/hospital/upload")).map(RoleGate.Area::role).contains(Role.HOSPITAL);
        assertThat(RoleGate.areaOf("/app/ai/cohorts")).map(RoleGate.Area::role).contains(Role.AI_FIRM);
        assertThat(RoleGate.areaOf("/app/admin/cohorts")).map(RoleGate.Area::role).contains(Role.ADMIN);
        // Look-alike prefixes are not the area.
        assertThat(RoleGate.areaOf("/app/patients")).isEmpty();
        assertThat(RoleGate.areaOf("/app/administrator")).isEmpty();
        assertThat(RoleGate.areaOf("/app/anything")).isEmpty();
    }

    @Test
    void aPageOutsideEveryAreaIsNotFoundAndAnotherRolesAreaIsForbidden() {
        RoleGate gate = new RoleGate();
        MockHttpServletRequest unknown = new MockHttpServletRequest("GET", "/app/secret");
        assertThatThrownBy(() -> gate.preHandle(unknown, new MockHttpServletResponse(), null))
                .isInstanceOfSatisfying(PageRefused.class, e -> assertThat(e.status()).isEqualTo(404));
        // No signed-in caller on the request (the filter did not run): refused as well.
        MockHttpServletRequest anonymous = new MockHttpServletRequest("GET", "/app/admin/cohorts");
        assertThatThrownBy(() -> gate.preHandle(anonymous, new MockHttpServletResponse(), null))
                .isInstanceOfSatisfying(PageRefused.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.messageKey()).isEqualTo("error.area.admin");
                });
    }

    @Test
    void datesAndNumbersAreWrittenAsEachLanguageWritesThem() {
        LocaleContextHolder.setLocale(Locale.SIMPLIFIED_CHINESE);
        assertThat(fmt.date("2024-03-12")).isEqualTo("2024年3月12日");
        assertThat(fmt.dateTime(Instant.parse("2024-03-12T06:05:00Z"))).isEqualTo("2024年3月12日 14:05");
        assertThat(fmt.number(new BigDecimal("1234.50"))).isEqualTo("1,234.50");
        LocaleContextHolder.setLocale(Locale.ENGLISH);
        assertThat(fmt.date("2024-03-12")).isEqualTo("12 Mar 2024");
        assertThat(fmt.dateTime("2024-03-12T06:05:00Z")).isEqualTo("12 Mar 2024, 14:05");
        assertThat(fmt.bytes(1536)).isEqualTo("1.5 KB");
        // A partial date is shown as sent, never dropped.
        assertThat(fmt.date("2024-03")).isEqualTo("2024-03");
    }

    @Test
    void pageDataCannotCloseItsScriptBlock() {
        String json = new PageJson().write(Map.of("name", "</script><script>alert(1)</script>", "v", List.of(1)));
        assertThat(json).doesNotContain("<", ">").contains("\\u003c/script\\u003e");
    }
}
