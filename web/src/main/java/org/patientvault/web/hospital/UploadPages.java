package org.patientvault.web.hospital;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.patientvault.web.WebProperties;
import org.patientvault.web.WebUi;
import org.patientvault.web.port.HospitalConsole;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;

/**
 * The hospital's uploads: a FHIR transaction Bundle (JSON), a checkup CSV or a zipped DICOM study, each in its own
 * form, answered with the receipt on the same page. The page checks what it can before anything is sent (a file was
 * chosen, its type, its size against {@code vault.web.max-upload}, that a bundle is a JSON object); the vault checks
 * the rest, and its refusal (a malformed CSV row, an invalid bundle, a bad zip) is shown next to the field. Nothing is
 * stored on a refusal.
 */
@Controller
@RequestMapping(WebUi.BASE + "/hospital/upload")
class UploadPages {

    static final String VIEW = "app/hospital/upload";
    static final List<String> CHARSETS = List.of("utf-8", "gb18030");

    private final HospitalConsole console;
    private final long maxUpload;
    private final ObjectMapper json = new ObjectMapper();

    UploadPages(HospitalConsole console, WebProperties props) {
        this.console = console;
        this.maxUpload = props.maxUpload().toBytes();
    }

    @GetMapping
    String page(Model model) {
        model.addAttribute("maxUpload", maxUpload);
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", Map.of());
        }
        return VIEW;
    }

    @PostMapping("/bundle")
    String bundle(@RequestParam(required = false) MultipartFile file, Model model) {
        return upload("bundle", file, ".json", model, () -> {
            byte[] body = file.getBytes();
            if (!isJsonObject(body)) {
                throw new FieldError("upload.error.json");
            }
            return console.submitBundle(body);
        });
    }

    @PostMapping("/csv")
    String csv(@RequestParam(required = false) MultipartFile file, @RequestParam(required = false) String charset,
               Model model) {
        String cs = charset == null ? "utf-8" : charset.toLowerCase(Locale.ROOT);
        return upload("csv", file, ".csv", model, () -> {
            if (!CHARSETS.contains(cs)) {
                throw new FieldError("upload.error.charset");
            }
            try (InputStream in = file.getInputStream()) {
                return console.submitCheckupCsv(in, file.getSize(), cs);
            }
        });
    }

    @PostMapping("/dicom")
    String dicom(@RequestParam(required = false) MultipartFile file, Model model) {
        return upload("dicom", file, ".zip", model, () -> {
            try (InputStream in = file.getInputStream()) {
                return console.submitDicomZip(in);
            }
        });
    }

    /** What one form does: the page's own checks, then the vault's, and the receipt or the messages. */
    private String upload(String form, MultipartFile file, String extension, Model model, Upload upload) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (file == null || file.isEmpty()) {
            errors.put(form, "upload.error.empty");
        } else if (file.getSize() > maxUpload) {
            errors.put(form, "upload.error.size");
        } else if (file.getOriginalFilename() == null
                || !file.getOriginalFilename().toLowerCase(Locale.ROOT).endsWith(extension)) {
            errors.put(form, "upload.error.type." + form);
        } else {
            try {
                model.addAttribute("receipt", upload.run());
                model.addAttribute("receiptOf", form);
            } catch (FieldError e) {
                errors.put(form, e.getMessage());
            } catch (HospitalConsole.Refused refused) {
                errors.put(form, switch (refused.reason()) {
                    case TOO_LARGE -> "upload.error.size";
                    case MEDIA_TYPE -> "upload.error.type." + form;
                    case MALFORMED -> "upload.error.malformed." + form;
                    case REFUSED -> "upload.error.refused";
                });
                model.addAttribute("refusal", refused.getMessage());
                model.addAttribute("problems", refused.problems());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        model.addAttribute("errors", errors);
        model.addAttribute("form", form);
        return page(model);
    }

    /** Whether the body is one JSON object (the page's check before sending; the vault validates the Bundle). */
    private boolean isJsonObject(byte[] body) {
        try (JsonParser p = json.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (JsonProcessingException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    private interface Upload {
        HospitalConsole.Receipt run() throws IOException;
    }

    /** A check of the page's own, with the message key to show next to the field. */
    private static final class FieldError extends RuntimeException {
        FieldError(String key) {
            super(key, null, false, false);
        }
    }
}
