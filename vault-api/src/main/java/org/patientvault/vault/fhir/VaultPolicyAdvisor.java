package org.patientvault.vault.fhir;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r5.elementmodel.Element;
import org.hl7.fhir.r5.model.ElementDefinition;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.r5.model.ValueSet;
import org.hl7.fhir.r5.utils.validation.IMessagingServices;
import org.hl7.fhir.r5.utils.validation.IResourceValidator;
import org.hl7.fhir.r5.utils.validation.IValidationPolicyAdvisor;
import org.hl7.fhir.r5.utils.validation.constants.BindingKind;
import org.hl7.fhir.r5.utils.validation.constants.ContainedReferenceValidationPolicy;
import org.hl7.fhir.r5.utils.validation.constants.ReferenceValidationPolicy;
import org.hl7.fhir.utilities.validation.ValidationMessage;

/**
 * HAPI's default policy advisor, less the messages nobody reads. Everything is delegated except
 * {@link #isSuppressMessageId}, which also suppresses the invariant {@code dom-6} ("a resource should have narrative",
 * best practice, warning): it rejects nothing, quality scoring ignores it, and it was 18 % of Synthea's validation
 * messages, every one of which the validator merges into the Bundle's list with a linear scan.
 */
final class VaultPolicyAdvisor implements IValidationPolicyAdvisor {

    /** The message id of dom-6 as the validator reports it: the invariant's key after its definition's URL. */
    static final String DOM_6 = "http://hl7.org/fhir/StructureDefinition/DomainResource#dom-6";

    private volatile IValidationPolicyAdvisor delegate;

    VaultPolicyAdvisor(IValidationPolicyAdvisor delegate) {
        this.delegate = delegate;
    }

    @Override
    public boolean isSuppressMessageId(String path, String messageId) {
        return DOM_6.equals(messageId) || delegate.isSuppressMessageId(path, messageId);
    }

    @Override
    public IValidationPolicyAdvisor getPolicyAdvisor() {
        return delegate;
    }

    @Override
    public IValidationPolicyAdvisor setPolicyAdvisor(IValidationPolicyAdvisor policyAdvisor) {
        this.delegate = policyAdvisor;
        return this;
    }

    @Override
    public ReferenceValidationPolicy getReferencePolicy() {
        return delegate.getReferencePolicy();
    }

    @Override
    public Set<String> getCheckReferencesTo() {
        return delegate.getCheckReferencesTo();
    }

    @Override
    public ReferenceValidationPolicy policyForReference(IResourceValidator validator, Object appContext, String path,
                                                        String url, ReferenceDestinationType destinationType) {
        return delegate.policyForReference(validator, appContext, path, url, destinationType);
    }

    @Override
    public ContainedReferenceValidationPolicy policyForContained(IResourceValidator validator, Object appContext,
            StructureDefinition structure, ElementDefinition element, String containerType, String containerId,
            Element.SpecialElement containingResourceType, String path, String url) {
        return delegate.policyForContained(validator, appContext, structure, element, containerType, containerId,
                containingResourceType, path, url);
    }

    @Override
    public EnumSet<ResourceValidationAction> policyForResource(IResourceValidator validator, Object appContext,
                                                               StructureDefinition type, String path) {
        return delegate.policyForResource(validator, appContext, type, path);
    }

    @Override
    public EnumSet<ElementValidationAction> policyForElement(IResourceValidator validator, Object appContext,
                                                             StructureDefinition structure, ElementDefinition element,
                                                             String path) {
        return delegate.policyForElement(validator, appContext, structure, element, path);
    }

    @Override
    public EnumSet<CodedContentValidationAction> policyForCodedContent(IResourceValidator validator,
            Object appContext, String stackPath, ElementDefinition definition, StructureDefinition structure,
            BindingKind kind, AdditionalBindingPurpose purpose, ValueSet valueSet, List<String> systems) {
        return delegate.policyForCodedContent(validator, appContext, stackPath, definition, structure, kind, purpose,
                valueSet, systems);
    }

    @Override
    public SpecialValidationAction policyForSpecialValidation(IResourceValidator validator, Object appContext,
            SpecialValidationRule rule, String stackPath, Element resource, Element element) {
        return delegate.policyForSpecialValidation(validator, appContext, rule, stackPath, resource, element);
    }

    @Override
    public List<StructureDefinition> getImpliedProfilesForResource(IResourceValidator validator, Object appContext,
            String stackPath, ElementDefinition definition, StructureDefinition structure, Element resource,
            boolean valid, IMessagingServices msgServices, List<ValidationMessage> messages) {
        return delegate.getImpliedProfilesForResource(validator, appContext, stackPath, definition, structure,
                resource, valid, msgServices, messages);
    }
}
