package org.patientvault.vault.identity;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.ResidentId;
import org.patientvault.mapping.ResidentIdException;
import org.patientvault.vault.caller.AccountDirectory;
import org.patientvault.vault.caller.VaultPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Links token identities to vault resources, once: a patient's {@code sub} to one vault Patient (found by the
 * resident ID among hospital-submitted records, or created), an organization's {@code org_id} to one Organization
 * (created on first use). Results are cached for the life of the process; a link never changes once made.
 */
@Component
public class AccountLinker implements AccountDirectory {

    /** Identifier system under which a Patient carries the {@code sub} of the account linked to it. */
    public static final String ACCOUNT_SYSTEM = "https://patientvault.org/fhir/sid/account";

    private static final Logger LOG = LoggerFactory.getLogger(AccountLinker.class);

    private final DaoRegistry daos;
    private final Map<String, String> patients = new ConcurrentHashMap<>();
    private final Map<String, String> organizations = new ConcurrentHashMap<>();

    AccountLinker(DaoRegistry daos) {
        this.daos = daos;
    }

    @Override
    public String patientFor(String subject, String nationalId) {
        // computeIfAbsent serialises concurrent first requests of one account, so one Patient is linked, not two.
        return patients.computeIfAbsent(subject, s -> link(s, nationalId));
    }

    @Override
    public String organizationFor(String orgCode, VaultPrincipal.Kind kind) {
        return organizations.computeIfAbsent(orgCode, code -> {
            Organization org = new Organization();
            org.addIdentifier(new Identifier().setSystem(IdentitySystems.ORGANIZATION).setValue(code));
            org.setName(code);
            org.setActive(true);
            org.addType(new CodeableConcept(kind == VaultPrincipal.Kind.HOSPITAL
                    ? new Coding("http://terminology.hl7.org/CodeSystem/organization-type", "prov",
                    "Healthcare Provider")
                    : new Coding("https://patientvault.org/fhir/CodeSystem/organization-type", "ai-firm", "AI firm")));
            return daos.getResourceDao(Organization.class)
                    .create(org, "Organization?identifier=" + IdentitySystems.ORGANIZATION + "|" + code,
                            new SystemRequestDetails())
                    .getId().getIdPart();
        });
    }

    private String link(String subject, String nationalId) {
        IFhirResourceDao<Patient> dao = daos.getResourceDao(Patient.class);
        String linked = findOne(dao, ACCOUNT_SYSTEM, subject);
        if (linked != null) {
            return linked;
        }
        String residentId = validResidentId(nationalId);
        if (residentId != null) {
            String found = findOne(dao, IdentitySystems.RESIDENT_ID, residentId);
            if (found != null) {
                Patient p = dao.read(new org.hl7.fhir.r4.model.IdType("Patient", found), new SystemRequestDetails());
                p.addIdentifier(new Identifier().setSystem(ACCOUNT_SYSTEM).setValue(subject));
                dao.update(p, new SystemRequestDetails());
                LOG.info("Linked an account to existing Patient/{}", found);
                return found;
            }
        }
        Patient p = new Patient();
        p.addIdentifier(new Identifier().setSystem(ACCOUNT_SYSTEM).setValue(subject));
        if (residentId != null) {
            p.addIdentifier(new Identifier().setSystem(IdentitySystems.RESIDENT_ID).setValue(residentId));
        }
        String id = dao.create(p, new SystemRequestDetails()).getId().getIdPart();
        LOG.info("Linked an account to new Patient/{}", id);
        return id;
    }

    private static String validResidentId(String nationalId) {
        if (nationalId == null || nationalId.isBlank()) {
            return null;
        }
        try {
            return ResidentId.parse(nationalId).value();
        } catch (ResidentIdException e) {
            LOG.warn("Token national_id is not a valid resident ID ({}); not linking by it", e.failure());
            return null;
        }
    }

    private static String findOne(IFhirResourceDao<Patient> dao, String system, String value) {
        SearchParameterMap map = SearchParameterMap.newSynchronous("identifier", new TokenParam(system, value));
        IBundleProvider found = dao.search(map, new SystemRequestDetails());
        var ids = found.getAllResourceIds();
        if (ids.size() > 1) {
            throw new IllegalStateException("More than one Patient carries the same " + system + " identifier");
        }
        return ids.isEmpty() ? null : new org.hl7.fhir.r4.model.IdType(ids.get(0)).getIdPart();
    }
}
