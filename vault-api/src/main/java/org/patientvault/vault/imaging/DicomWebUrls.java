package org.patientvault.vault.imaging;

import jakarta.servlet.http.HttpServletRequest;

/** The URLs the vault gives out for DICOMweb resources: {@code vault.imaging.public-base-url}, else the request's. */
final class DicomWebUrls {

    private final String publicBase;

    DicomWebUrls(ImagingProperties props) {
        this.publicBase = props.publicBaseUrl();
    }

    /** {@code <base>/dicomweb}. */
    String base(HttpServletRequest request) {
        if (!publicBase.isEmpty()) {
            return publicBase + "/dicomweb";
        }
        String url = request.getRequestURL().toString();
        String root = url.substring(0, url.length() - request.getRequestURI().length());
        return root + request.getContextPath() + "/dicomweb";
    }

    String study(HttpServletRequest request, String study) {
        return base(request) + "/studies/" + study;
    }

    String series(HttpServletRequest request, String study, String series) {
        return study(request, study) + "/series/" + series;
    }

    String instance(HttpServletRequest request, String study, String series, String instance) {
        return series(request, study, series) + "/instances/" + instance;
    }
}
