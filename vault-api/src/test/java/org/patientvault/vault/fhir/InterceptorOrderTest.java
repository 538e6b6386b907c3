package org.patientvault.vault.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.patientvault.vault.fhir.InterceptorGroup.Concern;

/** The interceptor groups are registered in {@link Concern} order, each concern exactly once. */
class InterceptorOrderTest {

    private static List<InterceptorGroup> oneOfEach() {
        List<InterceptorGroup> groups = new ArrayList<>();
        for (Concern c : Concern.values()) {
            groups.add(InterceptorGroup.of(c, c.name()));
        }
        return groups;
    }

    @Test
    void groupsAreRegisteredInConcernOrderWhateverTheBeanOrder() {
        List<InterceptorGroup> shuffled = oneOfEach();
        Collections.reverse(shuffled);
        assertThat(FhirServerConfig.inOrder(shuffled)).extracting(InterceptorGroup::concern)
                .containsExactly(Concern.values());
        assertThat(Concern.ERRORS).isLessThan(Concern.ACCESS);
        assertThat(Concern.ACCESS).isLessThan(Concern.SUBMISSION);
    }

    @Test
    void aMissingOrRepeatedConcernStopsTheStart() {
        List<InterceptorGroup> missing = oneOfEach();
        missing.removeIf(g -> g.concern() == Concern.ACCESS);
        assertThatThrownBy(() -> FhirServerConfig.inOrder(missing)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ACCESS");

        List<InterceptorGroup> twice = oneOfEach();
        twice.add(InterceptorGroup.of(Concern.AUDIT));
        assertThatThrownBy(() -> FhirServerConfig.inOrder(twice)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AUDIT");
    }
}
