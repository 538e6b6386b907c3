package org.patientvault.vault.imaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.patientvault.mapping.dicom.DicomPreviewResult;
import org.patientvault.storage.ObjectNotFoundException;
import org.patientvault.storage.OwnerKeyDestroyedException;
import org.patientvault.storage.StorageException;
import org.patientvault.vault.caller.FhirDispatch;
import org.patientvault.vault.caller.VaultPrincipal;
import org.patientvault.vault.problem.ApiProblem;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * DICOMweb at {@code /dicomweb} ({@code docs/imaging.md}).
 *
 * <p>In: STOW-RS ({@code POST /dicomweb/studies[/{study}]}, {@code multipart/related; type="application/dicom"}),
 * or a zip of a study folder ({@code Content-Type: application/zip}) on the same routes; hospitals only. Answer: the
 * STOW-RS response in DICOM JSON (200 all stored, 202 some failed, 409 none stored), 415 for another media type,
 * 400 for a malformed body or an unacceptable zip (nothing stored), problem JSON for refusals.
 *
 * <p>Out: WADO-RS retrieve (multipart/related of application/dicom, streamed), {@code /metadata} (DICOM JSON) at the
 * study, series and instance levels, and {@code /rendered} (PNG preview) of a series. Who may read is decided by the
 * caller's own FHIR search for the ImagingStudy ({@link WadoService}); every "not yours" and "not there" is the same
 * 404.
 */
@RestController
class DicomWebController {

    static final String DICOM_JSON = "application/dicom+json";

    private final StowService stow;
    private final WadoService wado;
    private final QidoService qido;
    private final FhirDispatch dispatch;
    private final DicomZipUpload zips;
    private final ObjectMapper json = new ObjectMapper();
    private final DicomWebUrls urls;

    DicomWebController(StowService stow, WadoService wado, QidoService qido, FhirDispatch dispatch,
                       DicomWebUrls urls, DicomZipUpload zips) {
        this.stow = stow;
        this.wado = wado;
        this.qido = qido;
        this.dispatch = dispatch;
        this.urls = urls;
        this.zips = zips;
    }

    // ---------------------------------------------------------------- STOW-RS

    @PostMapping({"/dicomweb/studies", "/dicomweb/studies/{study}"})
    void store(@PathVariable(name = "study", required = false) String study, HttpServletRequest request,
               HttpServletResponse response) throws IOException {
        // Only hospitals reach this route (ApiSecurityConfig), and a hospital always has its org_id.
        VaultPrincipal caller = VaultPrincipal.current().orElseThrow();
        if (study != null && !StowService.isUid(study)) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-uid", "The Study Instance UID in the URL is not a "
                    + "valid UID");
        }
        String contentType = request.getContentType();
        String media = MultipartRelated.mediaType(contentType);
        StowService.Ingest ingest = stow.begin(request, caller, study, dispatch);
        if (media.equals("application/zip") || media.equals("application/x-zip-compressed")) {
            storeZip(request, response, ingest);
            return;
        }
        if (!media.equals("multipart/related")) {
            throw new ApiProblem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Send DICOM instances as "
                    + "multipart/related; type=\"application/dicom\" (STOW-RS), or a zip of a study folder as "
                    + "application/zip, not " + (contentType == null ? "(no Content-Type)" : media));
        }
        String type = MultipartRelated.parameter(contentType, "type");
        if (type != null && !MultipartRelated.mediaType(type).equals("application/dicom")) {
            throw new ApiProblem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Only type=\""
                    + "application/dicom\" is accepted (Part-10 instances); metadata+bulk data uploads are not");
        }
        String boundary = MultipartRelated.boundaryOf(contentType);
        if (boundary == null) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "malformed-multipart", "The multipart/related Content-Type "
                    + "has no valid boundary parameter");
        }
        int parts = 0;
        try (InputStream in = request.getInputStream()) {
            MultipartRelated body = new MultipartRelated(in, boundary);
            for (MultipartRelated.Part part = body.next(); part != null; part = body.next()) {
                parts++;
                String partType = MultipartRelated.mediaType(part.contentType());
                if (!partType.isEmpty() && !partType.equals("application/dicom")) {
                    ingest.result().failed.add(new StowService.Failed(null, null, StowService.CANNOT_UNDERSTAND,
                            "part " + parts + " is " + partType + ", not application/dicom"));
                    part.body().transferTo(OutputStream.nullOutputStream());
                    continue;
                }
                ingest.instance(part.body());
            }
        } catch (MultipartRelated.MalformedMultipartException e) {
            ingest.discard();
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "malformed-multipart", "The body is not well-formed "
                    + "multipart/related (" + e.getMessage() + "); nothing was stored");
        } catch (StorageException | IOException e) {
            // The client went away or the store failed mid-request: keep nothing of it.
            ingest.discard();
            throw e;
        }
        if (parts == 0) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "malformed-multipart", "The body holds no parts");
        }
        answer(request, response, ingest.finish(), study);
    }

    private void storeZip(HttpServletRequest request, HttpServletResponse response, StowService.Ingest ingest)
            throws IOException {
        try (InputStream in = request.getInputStream()) {
            answer(request, response, zips.store(ingest, in), null);
        }
    }

    /** The STOW-RS response (PS3.18 §10.5.3): stored instances with RetrieveURL, failures with FailureReason. */
    private void answer(HttpServletRequest request, HttpServletResponse response, StowService.Result result,
                        String routeStudy) throws IOException {
        Map<String, Object> ds = new LinkedHashMap<>();
        List<String> studies = result.studies;
        if (routeStudy != null && !result.accepted.isEmpty()) {
            ds.put("00081190", attr("UR", urls.study(request, routeStudy)));
        } else if (studies.size() == 1) {
            ds.put("00081190", attr("UR", urls.study(request, studies.get(0))));
        }
        if (!result.failed.isEmpty()) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (StowService.Failed f : result.failed) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("00081150", attr("UI", f.sopClass()));
                item.put("00081155", attr("UI", f.sopUid()));
                item.put("00081197", attr("US", f.reason()));
                // Error Comment: why, in words (not part of the standard response; clients may ignore it).
                item.put("00000902", attr("LO", f.comment() == null ? null
                        : f.comment().length() > 64 ? f.comment().substring(0, 64) : f.comment()));
                items.add(item);
            }
            ds.put("00081198", Map.of("vr", "SQ", "Value", items));
        }
        if (!result.accepted.isEmpty()) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (StowService.Accepted a : result.accepted) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("00081150", attr("UI", a.sopClass()));
                item.put("00081155", attr("UI", a.sopUid()));
                item.put("00081190", attr("UR", urls.instance(request, a.studyUid(), a.seriesUid(), a.sopUid())));
                items.add(item);
            }
            ds.put("00081199", Map.of("vr", "SQ", "Value", items));
        }
        int status = result.failed.isEmpty() ? 200 : result.accepted.isEmpty() ? 409 : 202;
        byte[] body = json.writeValueAsBytes(ds);
        response.setStatus(status);
        response.setContentType(DICOM_JSON);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static Map<String, Object> attr(String vr, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vr", vr);
        if (value != null) {
            m.put("Value", List.of(value));
        }
        return m;
    }

    // ---------------------------------------------------------------- QIDO-RS

    @GetMapping("/dicomweb/studies")
    void searchStudies(HttpServletRequest request, HttpServletResponse response) throws IOException {
        search(request, response, QidoModel.Level.STUDY, null, null);
    }

    @GetMapping("/dicomweb/series")
    void searchAllSeries(HttpServletRequest request, HttpServletResponse response) throws IOException {
        search(request, response, QidoModel.Level.SERIES, null, null);
    }

    @GetMapping("/dicomweb/instances")
    void searchAllInstances(HttpServletRequest request, HttpServletResponse response) throws IOException {
        search(request, response, QidoModel.Level.INSTANCE, null, null);
    }

    @GetMapping("/dicomweb/studies/{study}/series")
    void searchSeries(@PathVariable String study, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        search(request, response, QidoModel.Level.SERIES, study, null);
    }

    @GetMapping("/dicomweb/studies/{study}/instances")
    void searchStudyInstances(@PathVariable String study, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        search(request, response, QidoModel.Level.INSTANCE, study, null);
    }

    @GetMapping("/dicomweb/studies/{study}/series/{series}/instances")
    void searchInstances(@PathVariable String study, @PathVariable String series, HttpServletRequest request,
                         HttpServletResponse response) throws IOException {
        search(request, response, QidoModel.Level.INSTANCE, study, series);
    }

    /**
     * QIDO-RS: an array of DICOM JSON datasets ({@code application/dicom+json}), possibly empty; 400 problem JSON for
     * a query it cannot answer as asked; 406 when the client accepts neither DICOM JSON nor JSON.
     */
    private void search(HttpServletRequest request, HttpServletResponse response, QidoModel.Level level,
                        String study, String series) throws IOException {
        String accept = request.getHeader("Accept");
        if (accept != null && !accept.isBlank() && !accept.contains("json") && !accept.contains("*/*")) {
            throw new ApiProblem(HttpStatus.NOT_ACCEPTABLE, "not-acceptable", "QIDO-RS answers in "
                    + DICOM_JSON + " only");
        }
        QidoService.Query query;
        try {
            query = QidoService.parse(level, study, series, request.getParameterMap());
        } catch (QidoService.BadQuery e) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "bad-query", e.getMessage());
        }
        List<Map<String, Object>> results = VaultPrincipal.current().isEmpty() ? List.of()
                : qido.search(request, dispatch, query);
        byte[] body = json.writeValueAsBytes(results);
        response.setStatus(200);
        response.setContentType(DICOM_JSON);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    // ---------------------------------------------------------------- WADO-RS

    @GetMapping("/dicomweb/studies/{study}")
    void retrieveStudy(@PathVariable String study, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        retrieve(request, response, study, null, null);
    }

    @GetMapping("/dicomweb/studies/{study}/series/{series}")
    void retrieveSeries(@PathVariable String study, @PathVariable String series, HttpServletRequest request,
                        HttpServletResponse response) throws IOException {
        retrieve(request, response, study, series, null);
    }

    @GetMapping("/dicomweb/studies/{study}/series/{series}/instances/{instance}")
    void retrieveInstance(@PathVariable String study, @PathVariable String series, @PathVariable String instance,
                          HttpServletRequest request, HttpServletResponse response) throws IOException {
        retrieve(request, response, study, series, instance);
    }

    @GetMapping("/dicomweb/studies/{study}/metadata")
    void studyMetadata(@PathVariable String study, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        metadata(request, response, study, null, null);
    }

    @GetMapping("/dicomweb/studies/{study}/series/{series}/metadata")
    void seriesMetadata(@PathVariable String study, @PathVariable String series, HttpServletRequest request,
                        HttpServletResponse response) throws IOException {
        metadata(request, response, study, series, null);
    }

    @GetMapping("/dicomweb/studies/{study}/series/{series}/instances/{instance}/metadata")
    void instanceMetadata(@PathVariable String study, @PathVariable String series, @PathVariable String instance,
                          HttpServletRequest request, HttpServletResponse response) throws IOException {
        metadata(request, response, study, series, instance);
    }

    @GetMapping("/dicomweb/studies/{study}/series/{series}/rendered")
    void rendered(@PathVariable String study, @PathVariable String series, HttpServletRequest request,
                  HttpServletResponse response) throws IOException {
        Optional<List<WadoService.Instance>> found = find(request, study, series, null);
        if (found.isEmpty()) {
            throw notFound();
        }
        DicomPreviewResult result;
        try {
            result = wado.render(found.get());
        } catch (ObjectNotFoundException e) {
            throw notFound();
        } catch (OwnerKeyDestroyedException e) {
            throw gone();
        }
        if (!result.available()) {
            throw new ApiProblem(HttpStatus.NOT_ACCEPTABLE, "no-preview", "No preview for this series: "
                    + result.noPreviewReason() + ". Retrieve the instances instead.");
        }
        response.setStatus(200);
        response.setContentType("image/png");
        response.setHeader("Cache-Control", "private, max-age=300");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentLength(result.png().length);
        response.getOutputStream().write(result.png());
    }

    private void retrieve(HttpServletRequest request, HttpServletResponse response, String study, String series,
                          String instance) throws IOException {
        Optional<List<WadoService.Instance>> found = find(request, study, series, instance);
        if (found.isEmpty()) {
            throw notFound();
        }
        List<WadoService.Instance> instances = found.get();
        InputStream first;
        try {
            first = wado.open(instances.get(0));
        } catch (ObjectNotFoundException e) {
            throw notFound();
        } catch (OwnerKeyDestroyedException e) {
            throw gone();
        }
        String boundary = UUID.randomUUID().toString();
        response.setStatus(200);
        response.setContentType("multipart/related; type=\"application/dicom\"; boundary=" + boundary);
        response.setHeader("X-Content-Type-Options", "nosniff");
        OutputStream out = response.getOutputStream();
        byte[] head = ("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < instances.size(); i++) {
            out.write(head);
            // Once the answer has begun, a failure can only cut it short (the client sees no closing boundary).
            try (InputStream in = i == 0 ? first : wado.open(instances.get(i))) {
                in.transferTo(out);
            }
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private void metadata(HttpServletRequest request, HttpServletResponse response, String study, String series,
                          String instance) throws IOException {
        Optional<List<WadoService.Instance>> found = find(request, study, series, instance);
        if (found.isEmpty()) {
            throw notFound();
        }
        String body;
        try {
            body = wado.metadata(request, found.get());
        } catch (ObjectNotFoundException e) {
            throw notFound();
        } catch (OwnerKeyDestroyedException e) {
            throw gone();
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType(DICOM_JSON);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private Optional<List<WadoService.Instance>> find(HttpServletRequest request, String study, String series,
                                                      String instance) {
        if (VaultPrincipal.current().isEmpty()) {
            return Optional.empty();
        }
        return wado.instances(request, dispatch, study, series, instance);
    }

    /** The object store or the database failed: 503, nothing half-answered (the request wrote nothing it kept). */
    @org.springframework.web.bind.annotation.ExceptionHandler({StorageException.class, IllegalStateException.class})
    ResponseEntity<byte[]> unavailable(RuntimeException e, HttpServletResponse response) {
        if (response.isCommitted()) {
            throw e;
        }
        return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Image storage is unavailable; "
                + "nothing was stored. Try again later.").toResponse();
    }

    /** The one answer for "unknown" and "not yours": same status, same body, whatever the UIDs. */
    private static ApiProblem notFound() {
        return new ApiProblem(HttpStatus.NOT_FOUND, "not-found", "No such study, series or instance");
    }

    private static ApiProblem gone() {
        return new ApiProblem(HttpStatus.GONE, "erased", "The images were erased at the patient's request");
    }
}
