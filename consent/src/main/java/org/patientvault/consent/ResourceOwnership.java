package org.patientvault.consent;

import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Finds the owner patient(s) and the submitting organisation of a resource. The app implements it (compartment
 * membership and submission provenance). Called once per resource HAPI shows to the caller, so it should answer from
 * the resource itself or a cheap lookup. Return {@link Optional#empty()} when ownership cannot be determined: the
 * resource is then hidden.
 */
@FunctionalInterface
public interface ResourceOwnership {
    Optional<ResourceOwner> ownerOf(IBaseResource resource);
}
