package org.patientvault.vault.imaging;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.dicom.DicomStudyMapper;
import org.patientvault.vault.caller.FhirDispatch;
import org.patientvault.vault.submission.SubmissionContext;

/**
 * ImagingStudy reads and writes <em>as the caller</em>, through the {@code /fhir} servlet ({@link FhirDispatch}):
 * the authorization rules, the patient search narrowing and the consent service decide what the caller finds, and
 * writes are ordinary hospital submissions (Provenance, ledger, quality, audit). Nothing here reads the DAO as the
 * system.
 *
 * <p>Cost: one FHIR search by identifier per lookup; one transaction per write.
 */
final class CallerStudies {

    /** A study as the caller sees it, with its version for an update. */
    record Found(ImagingStudy study, String id, String versionId) {
        String owner() {
            return study.getSubject().getReferenceElement().getIdPart();
        }
    }

    private final FhirContext ctx;

    CallerStudies(FhirContext ctx) {
        this.ctx = ctx;
    }

    /**
     * The ImagingStudy with this Study Instance UID that the caller may read, or empty: not there, not theirs, not
     * consented, or the caller may not search at all (all alike).
     */
    Optional<Found> find(HttpServletRequest request, FhirDispatch dispatch, String studyUid) {
        FhirDispatch.Answer answer = dispatch.get(request, "ImagingStudy", Map.of(
                "identifier", new String[] {DicomStudyMapper.DICOM_UID_SYSTEM + "|urn:oid:" + studyUid},
                "_count", new String[] {"10"}));
        if (answer.status() != 200) {
            return Optional.empty();
        }
        Bundle page;
        try {
            page = ctx.newJsonParser().parseResource(Bundle.class,
                    new String(answer.body(), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        for (Bundle.BundleEntryComponent e : page.getEntry()) {
            if (e.getResource() instanceof ImagingStudy s && studyUid.equals(DicomStudyMapper.studyInstanceUid(s))
                    && s.hasSubject() && s.getSubject().getReferenceElement().hasIdPart()) {
                return Optional.of(new Found(s, s.getIdElement().getIdPart(), s.getIdElement().getVersionIdPart()));
            }
        }
        return Optional.empty();
    }

    /**
     * Writes the study as the caller. A new study is a one-entry transaction, i.e. an ordinary hospital submission
     * (Provenance, ledger, quality score, receipt). An update of {@code existing} is a plain
     * {@code PUT /fhir/ImagingStudy/<id>} with {@code If-Match} on the version read (authorization, validation,
     * submitter tag and audit as for any update): a PUT inside a submitted transaction is answered "200 OK" but not
     * stored in this HAPI version, because the submission's Provenance targets the entry with an auto-versioned
     * reference (see docs/imaging.md, known limits).
     */
    FhirDispatch.Answer write(HttpServletRequest request, FhirDispatch dispatch, ImagingStudy study, Found existing,
                              Map<String, Map<String, String>> acquisitionBySeries) {
        ImagingStudy copy = study.copy();
        copy.setMeta(null);
        // The vault's own stamps (e.g. the quality score) are the server's, not the sender's: scoring adds them anew,
        // and validation refuses them as input.
        copy.getExtension().removeIf(x -> x.getUrl() != null
                && x.getUrl().startsWith(IdentitySystems.EXTENSION_BASE));
        if (existing != null) {
            copy.setId(existing.id());
            byte[] json = ctx.newJsonParser().encodeResourceToString(copy).getBytes(StandardCharsets.UTF_8);
            return dispatch.put(request, "ImagingStudy/" + existing.id(), json,
                    existing.versionId() == null ? null : "W/\"" + existing.versionId() + "\"");
        }
        copy.setId((String) null);
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Bundle.BundleEntryComponent e = bundle.addEntry();
        e.setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(copy);
        e.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("ImagingStudy");
        byte[] json = ctx.newJsonParser().encodeResourceToString(bundle).getBytes(StandardCharsets.UTF_8);
        // Scored like any submission, plus the acquisition attributes of the headers (compl.dicom-acquisition).
        return dispatch.postToBase(request, json, SubmissionContext.withDicomAcquisition(acquisitionBySeries));
    }
}
