package org.patientvault.vault.edge;

import java.util.Optional;
import org.patientvault.mobile.port.CallerIdentity;
import org.patientvault.vault.caller.VaultPrincipal;
import org.springframework.stereotype.Component;

/** {@link CallerIdentity} from the request's {@link VaultPrincipal} (set by the resource server from the token). */
@Component
class PrincipalCallerIdentity implements CallerIdentity {

    @Override
    public Optional<String> patientId() {
        return VaultPrincipal.current().filter(p -> p.kind() == VaultPrincipal.Kind.PATIENT)
                .map(VaultPrincipal::patientId);
    }
}
