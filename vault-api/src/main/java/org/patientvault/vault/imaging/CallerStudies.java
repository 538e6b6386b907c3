package org.patientvault.vault.imaging;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
     * The ids and subjects of every ImagingStudy the caller's own FHIR search finds (optionally only those of these
     * Study Instance UIDs), following the search's pages up to {@code maxStudies}: the same authorization, compartment
     * narrowing and consent as any FHIR search. Cost: one search request per page of {@code pageSize}.
     */
    Map<String, String> visible(HttpServletRequest request, FhirDispatch dispatch, List<String> studyUids,
                                int pageSize, int maxStudies) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        Map<String, String[]> params = new java.util.HashMap<>();
        params.put("_count", new String[] {Integer.toString(pageSize)});
        if (studyUids != null && !studyUids.isEmpty()) {
            params.put("identifier", new String[] {String.join(",", studyUids.stream()
                    .map(u -> DicomStudyMapper.DICOM_UID_SYSTEM + "|urn:oid:" + u).toList())});
        }
        FhirDispatch.Answer answer = dispatch.get(request, "ImagingStudy", params);
        while (answer.status() == 200 && out.size() < maxStudies) {
            Bundle page;
            try {
                page = ctx.newJsonParser().parseResource(Bundle.class,
                        new String(answer.body(), StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                break;
            }
            for (Bundle.BundleEntryComponent e : page.getEntry()) {
                if (e.getResource() instanceof ImagingStudy s && s.hasSubject()
                        && s.getSubject().getReferenceElement().hasIdPart()) {
                    out.put(s.getIdElement().getIdPart(), s.getSubject().getReferenceElement().getIdPart());
                }
            }
            Bundle.BundleLinkComponent next = page.getLink(Bundle.LINK_NEXT);
            if (next == null || page.getEntry().isEmpty()) {
                break;
            }
            answer = dispatch.get(request, "", queryOf(next.getUrl()));
        }
        return out;
    }

    /** The query parameters of a paging link (HAPI's {@code _getpages} links on the server base). */
    private static Map<String, String[]> queryOf(String url) {
        Map<String, String[]> params = new java.util.HashMap<>();
        int q = url.indexOf('?');
        if (q < 0) {
            return params;
        }
        for (String pair : url.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            String k = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(k, new String[] {v});
        }
        return params;
    }

    /**
     * Writes the study as the caller, always as a submission (a one-entry transaction: Provenance, ledger, quality
     * score with the acquisition attributes of {@code acquisitionBySeries}, receipt): a new study as {@code POST}, a
     * change of {@code existing} as {@code PUT ImagingStudy/<id>} with {@code If-Match} on the version read.
     * {@code stored} travels beside the body for {@link StudyWriteGuard}.
     *
     * <p>The update keeps the {@code meta} of the version read. HAPI JPA 8.8.0 answers a transaction {@code PUT} whose
     * resource has no {@code meta} at all with "200 OK" and the next version number but stores nothing (issue 14,
     * item 7: the silent write loss; {@code ImagingSubmissionIT} reproduces it without this). The caller re-reads the
     * study after every write anyway ({@link StowService}).
     */
    FhirDispatch.Answer write(HttpServletRequest request, FhirDispatch dispatch, ImagingStudy study, Found existing,
                              Map<String, Map<String, String>> acquisitionBySeries, StowWrite stored) {
        ImagingStudy copy = study.copy();
        if (existing == null) {
            copy.setMeta(null);
        } else {
            // Never without meta: see the method comment. Tags are restamped and versionId matches If-Match.
            copy.setMeta(existing.study().getMeta().copy());
        }
        // The vault's own stamps (e.g. the quality score) are the server's, not the sender's: scoring adds them anew,
        // and validation refuses them as input.
        copy.getExtension().removeIf(x -> x.getUrl() != null
                && x.getUrl().startsWith(IdentitySystems.EXTENSION_BASE));
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Bundle.BundleEntryComponent e = bundle.addEntry();
        if (existing != null) {
            copy.setId(existing.id());
            e.setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(copy);
            e.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("ImagingStudy/" + existing.id());
            if (existing.versionId() != null) {
                e.getRequest().setIfMatch("W/\"" + existing.versionId() + "\"");
            }
        } else {
            copy.setId((String) null);
            e.setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(copy);
            e.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("ImagingStudy");
        }
        byte[] json = ctx.newJsonParser().encodeResourceToString(bundle).getBytes(StandardCharsets.UTF_8);
        // Scored like any submission, plus the acquisition attributes of the headers (compl.dicom-acquisition).
        return dispatch.postToBase(request, json, SubmissionContext.withDicomAcquisition(acquisitionBySeries), stored);
    }
}
