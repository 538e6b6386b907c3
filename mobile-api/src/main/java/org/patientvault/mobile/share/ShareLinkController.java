package org.patientvault.mobile.share;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import org.patientvault.mobile.MobileApi;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** The patient's SMART Health Links: make one, end one (docs/mobile-api.md, "Share links"). */
@RestController
@RequestMapping(MobileApi.BASE + "/share-links")
@Tag(name = "share-links")
class ShareLinkController {

    private final ShareLinks links;

    ShareLinkController(ShareLinks links) {
        this.links = links;
    }

    @PostMapping
    @Operation(summary = "Share everything or selected studies/reports with a doctor: a passcode-protected shlink:/")
    ResponseEntity<ShareLinkView> create(@RequestBody ShareLinkRequest request) {
        String base = ServletUriComponentsBuilder.fromCurrentContextPath().path(MobileApi.BASE + "/shl/")
                .toUriString();
        ShareLinkView view = links.create(request, base);
        return ResponseEntity.created(URI.create(MobileApi.BASE + "/share-links/" + view.id())).body(view);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Revoke a share link: its next access gets 404")
    ResponseEntity<Void> revoke(@PathVariable String id) {
        links.revoke(id);
        return ResponseEntity.noContent().build();
    }
}
