package org.patientvault.vault.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.terminology.TerminologySummary;
import org.patientvault.mapping.terminology.TerminologyUnmappedCode;

/** The receipt form of a terminology summary. */
class TerminologyHookTest {

    @Test
    void theReceiptExtensionCarriesCountsAndEveryUnmappedCode() {
        var ext = TerminologyHook.toExtension(new TerminologySummary(5, 1, 3, 2, List.of(
                new TerminologyUnmappedCode("urn:local", "X-42", "自定义"),
                new TerminologyUnmappedCode(null, null, "无代码"))));
        assertThat(ext.getUrl()).isEqualTo(TerminologyHook.SUMMARY_URL);
        assertThat(ext.getExtensionByUrl("observations").getValue().primitiveValue()).isEqualTo("5");
        assertThat(ext.getExtensionByUrl("alreadyLoinc").getValue().primitiveValue()).isEqualTo("1");
        assertThat(ext.getExtensionByUrl("mapped").getValue().primitiveValue()).isEqualTo("3");
        assertThat(ext.getExtensionByUrl("converted").getValue().primitiveValue()).isEqualTo("2");
        assertThat(ext.getExtensionsByUrl("unmapped")).hasSize(2);
    }
}
