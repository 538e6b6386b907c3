package org.patientvault.vault.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.RestfulServer;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.checkup.CheckupCsvParser;
import org.patientvault.mapping.checkup.CheckupRow;
import org.patientvault.vault.VaultProperties;
import org.patientvault.vault.caller.FhirDispatch;
import org.patientvault.vault.caller.VaultPrincipal;
import org.patientvault.vault.problem.ApiProblem;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.unit.DataSize;

/**
 * The refusals of {@code /intake/checkup} that happen before anything touches the FHIR server: media type and
 * charset, and the size limit (with a tiny limit, which the shared IT context cannot set).
 */
class CheckupIntakeControllerTest {

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final String HEADER =
            "resident_id,mrn,name,birth_date,gender,phone,date,local_code,local_name,value,unit,ref_low,ref_high\n";
    private static final String ROW = "110101198503120025,,,,,,2026-11-20,GLU,空腹血糖,5.6,mmol/L,,\n";

    private final IntakeProperties props = new IntakeProperties(DataSize.ofBytes(400));
    private final CheckupIntakeController controller = new CheckupIntakeController(new CheckupIntake(props,
            new HospitalTerminology(CTX, null, new VaultProperties(ZoneId.of("Asia/Shanghai"))),
            new FhirDispatch(new StaticListableBeanFactory().getBeanProvider(RestfulServer.class)), CTX));

    @AfterEach
    void clear() {
        SecurityContextHolder.clearContext();
    }

    private static void as(VaultPrincipal.Kind kind) {
        VaultPrincipal p = new VaultPrincipal(kind, "sub-" + kind, "client", kind == VaultPrincipal.Kind.PATIENT
                ? UUID.randomUUID().toString() : null, kind == VaultPrincipal.Kind.HOSPITAL ? "org-1" : null,
                kind == VaultPrincipal.Kind.HOSPITAL ? "hosp-test" : null);
        SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken(p, null));
    }

    private static MockHttpServletRequest upload(String contentType, byte[] body) {
        MockHttpServletRequest r = new MockHttpServletRequest("POST", "/intake/checkup");
        if (contentType != null) {
            r.setContentType(contentType);
        }
        r.setContent(body);
        return r;
    }

    /** The refusal the upload is answered with (the problem advice writes it as RFC 7807 JSON). */
    private static ApiProblem problem(Callable<?> upload, int status) {
        ApiProblem problem = catchThrowableOfType(ApiProblem.class, upload::call);
        assertThat(problem).as("a refusal").isNotNull();
        assertThat(problem.status().value()).isEqualTo(status);
        assertThat(problem.type()).startsWith(ApiProblem.TYPE_BASE);
        return problem;
    }

    @Test
    @SuppressWarnings("unchecked")
    void overTheSizeLimitIsRefusedWith413BeforeParsing() throws Exception {
        as(VaultPrincipal.Kind.HOSPITAL);
        byte[] big = (HEADER + ROW.repeat(10)).getBytes(StandardCharsets.UTF_8);
        assertThat(big.length).isGreaterThan(400);
        ApiProblem declared = problem(() -> controller.checkup(upload("text/csv; charset=utf-8", big)), 413);
        assertThat(declared.detail()).contains("400 bytes").contains("vault.intake.max-csv-size");

        // Without a Content-Length (chunked), the parser stops reading at the limit.
        MockHttpServletRequest chunked = upload("text/csv; charset=utf-8", big);
        ApiProblem streamed = problem(() -> controller.checkup(new HttpServletRequestWrapper(chunked) {
            @Override
            public long getContentLengthLong() {
                return -1;
            }

            @Override
            public int getContentLength() {
                return -1;
            }
        }), 413);
        assertThat(((List<Map<String, Object>>) streamed.properties().get("errors")).get(0).get("row"))
                .isEqualTo(0);
    }

    @Test
    void mediaTypeAndCharsetAreDeclaredOrRefusedWith415() throws Exception {
        as(VaultPrincipal.Kind.HOSPITAL);
        byte[] csv = (HEADER + ROW).getBytes(StandardCharsets.UTF_8);
        assertThat(problem(() -> controller.checkup(upload("text/csv", csv)), 415).properties().get("errors"))
                .asString().contains("no charset declared");
        assertThat(problem(() -> controller.checkup(upload("text/csv; charset=latin1", csv)), 415).properties()
                .get("errors")).asString().contains("latin1");
        assertThat(problem(() -> controller.checkup(upload("application/json", csv)), 415).detail())
                .contains("text/csv");
        assertThat(problem(() -> controller.checkup(upload(null, csv)), 415).detail()).contains("(none)");
    }

    @Test
    void theSameRowsGiveTheSameFullUrlsAndOtherRowsOrHospitalsDoNot() {
        List<CheckupRow> rows = new CheckupCsvParser(10_000).parse((HEADER + ROW).getBytes(StandardCharsets.UTF_8),
                "utf-8");
        List<CheckupRow> other = new CheckupCsvParser(10_000).parse((HEADER + ROW.replace("5.6", "5.7"))
                .getBytes(StandardCharsets.UTF_8), "utf-8");
        var a = CheckupIntake.idsFrom("hosp-a", rows);
        var b = CheckupIntake.idsFrom("hosp-a", rows);
        assertThat(List.of(a.get(), a.get())).isEqualTo(List.of(b.get(), b.get()));
        assertThat(CheckupIntake.idsFrom("hosp-a", other).get())
                .isNotEqualTo(CheckupIntake.idsFrom("hosp-a", rows).get());
        assertThat(CheckupIntake.idsFrom("hosp-b", rows).get())
                .isNotEqualTo(CheckupIntake.idsFrom("hosp-a", rows).get());
    }
}
