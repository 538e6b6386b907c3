package org.patientvault.vault.imaging;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.patientvault.mapping.dicom.DicomZipException;
import org.patientvault.mapping.dicom.DicomZipLimits;
import org.patientvault.mapping.dicom.DicomZipReader;
import org.patientvault.storage.StorageException;
import org.patientvault.vault.caller.FhirDispatch;
import org.patientvault.vault.caller.VaultPrincipal;
import org.patientvault.vault.problem.ApiProblem;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * A zipped study folder stored as the current caller, a hospital: {@code POST /dicomweb/studies} with
 * {@code application/zip}, and the hospital console's upload. Every instance goes through {@link StowService} exactly
 * as a STOW-RS part does (object store under the patient's key, ImagingStudy written as a submission through the
 * {@code /fhir} servlet, with its receipt); an unacceptable zip (a bomb, too many or too large entries, not a zip)
 * stores nothing.
 *
 * <p>Cost: the zip is read as a stream, one instance at a time; limits are {@code vault.imaging.max-zip-*}.
 */
@Component
public class DicomZipUpload {

    /**
     * What a zip upload stored.
     *
     * @param stored   instances in the store and in their study
     * @param studies  Study Instance UIDs written
     * @param failures why each failed instance was not stored (the vault's own words, no header values)
     * @param receipts the transaction-response Bundle (FHIR JSON) of each ImagingStudy written, with the submission
     *                 and quality receipts; none for a study that did not change
     */
    public record Outcome(int stored, List<String> studies, List<String> failures, List<byte[]> receipts) {
    }

    private final StowService stow;
    private final FhirDispatch dispatch;
    private final DicomZipLimits limits;

    DicomZipUpload(StowService stow, FhirDispatch dispatch, ImagingProperties props) {
        this.stow = stow;
        this.dispatch = dispatch;
        this.limits = new DicomZipLimits(props.maxZipSize().toBytes(), props.maxZipEntrySize().toBytes(),
                props.maxZipRatio(), 1 << 20, props.maxZipEntries());
    }

    /**
     * Stores the zip's instances as the current caller.
     *
     * @throws ApiProblem 403 for a caller that is not a hospital, 400 or 413 for an unacceptable zip (nothing stored)
     */
    public Outcome upload(HttpServletRequest request, InputStream zip) throws IOException {
        VaultPrincipal caller = VaultPrincipal.current().filter(p -> p.kind() == VaultPrincipal.Kind.HOSPITAL)
                .orElseThrow(() -> new ApiProblem(HttpStatus.FORBIDDEN, "forbidden", "Only hospitals store studies"));
        StowService.Result r = store(stow.begin(request, caller, null, dispatch), zip);
        return new Outcome(r.accepted.size(), List.copyOf(r.studies), r.failed.stream()
                .map(f -> f.sopUid() == null ? f.comment() : f.sopUid() + ": " + f.comment()).toList(),
                List.copyOf(r.receipts));
    }

    /** Reads every instance of {@code in} into {@code ingest} and finishes it; a refused zip keeps nothing. */
    StowService.Result store(StowService.Ingest ingest, InputStream in) throws IOException {
        try {
            new DicomZipReader(limits).read(in, (member, instance) -> ingest.instance(instance));
        } catch (DicomZipException e) {
            ingest.discard();
            HttpStatus status = switch (e.reason()) {
                case ENTRY_TOO_LARGE, TOTAL_TOO_LARGE, TOO_MANY_ENTRIES -> HttpStatus.PAYLOAD_TOO_LARGE;
                default -> HttpStatus.BAD_REQUEST;
            };
            ApiProblem problem = new ApiProblem(status, "dicom-zip", "The zip upload was refused: "
                    + e.getMessage() + "; nothing was stored").with("reason", e.reason().name());
            if (e.member() != null) {
                problem.with("member", e.member());
            }
            throw problem;
        } catch (StorageException | IOException e) {
            ingest.discard();
            throw e;
        }
        return ingest.finish();
    }
}
