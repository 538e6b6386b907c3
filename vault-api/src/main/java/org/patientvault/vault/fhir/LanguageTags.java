package org.patientvault.vault.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import java.util.regex.Pattern;

/**
 * BCP-47 language tags ({@code urn:ietf:bcp:47}), offline. The core "all-languages" value set includes the whole
 * system, which no in-memory support can expand, so without this every language outside the short "common languages"
 * list (Vietnamese {@code vi}, say, as Synthea writes it) would fail validation. A well-formed tag is accepted.
 */
final class LanguageTags implements IValidationSupport {

    static final String SYSTEM = "urn:ietf:bcp:47";
    private static final Set<String> VALUE_SETS = Set.of("http://hl7.org/fhir/ValueSet/languages",
            "http://hl7.org/fhir/ValueSet/all-languages");
    /** language[-script][-region][-variant...], as RFC 5646 shapes it (private-use and grandfathered tags aside). */
    private static final Pattern TAG = Pattern.compile("^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|[0-9]{3}))?"
            + "(-([a-zA-Z0-9]{5,8}|[0-9][a-zA-Z0-9]{3}))*$");

    private final FhirContext ctx;

    LanguageTags(FhirContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public FhirContext getFhirContext() {
        return ctx;
    }

    @Override
    public boolean isCodeSystemSupported(ValidationSupportContext context, String system) {
        return SYSTEM.equals(system);
    }

    @Override
    public boolean isValueSetSupported(ValidationSupportContext context, String valueSetUrl) {
        return valueSetUrl != null && VALUE_SETS.contains(valueSetUrl.split("\\|")[0]);
    }

    @Override
    public CodeValidationResult validateCode(ValidationSupportContext context, ConceptValidationOptions options,
                                             String system, String code, String display, String valueSetUrl) {
        if (system != null && !SYSTEM.equals(system)) {
            return null;
        }
        if (valueSetUrl != null && !isValueSetSupported(context, valueSetUrl)) {
            return null;
        }
        if (code == null || !TAG.matcher(code).matches()) {
            return new CodeValidationResult().setSeverity(IssueSeverity.ERROR)
                    .setMessage("'" + code + "' is not a well-formed BCP-47 language tag");
        }
        return new CodeValidationResult().setCode(code).setCodeSystemName(SYSTEM).setDisplay(display);
    }

    @Override
    public CodeValidationResult validateCodeInValueSet(ValidationSupportContext context,
                                                       ConceptValidationOptions options, String system, String code,
                                                       String display, IBaseResource valueSet) {
        String url = valueSet == null ? null : ctx.newTerser().getSinglePrimitiveValueOrNull(valueSet, "url");
        if (url == null || !VALUE_SETS.contains(url)) {
            return null;
        }
        return validateCode(context, options, system, code, display, url);
    }

    @Override
    public String getName() {
        return "vault-bcp47-language-tags";
    }
}
