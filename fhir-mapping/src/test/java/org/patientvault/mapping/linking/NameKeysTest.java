package org.patientvault.mapping.linking;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.HumanName;
import org.junit.jupiter.api.Test;

class NameKeysTest {

    @Test
    void item3_namesMatchAcrossWhitespaceFullWidthAndScripts() {
        assertThat(NameKeys.key("王丽")).isEqualTo("wangli");
        assertThat(NameKeys.key("王 丽")).isEqualTo("wangli");
        assertThat(NameKeys.key("王\u3000丽")).isEqualTo("wangli");
        assertThat(NameKeys.key("Ｗａｎｇ Ｌｉ")).isEqualTo("wangli");
        assertThat(NameKeys.key("WANG  li")).isEqualTo("wangli");
        // Surname reading: 单 as a surname is Shan, not Dan.
        assertThat(NameKeys.key("单丽")).isEqualTo("shanli");
        assertThat(NameKeys.keys(new HumanName().setFamily("Wang").addGiven("Li"))).contains("wangli", "liwang");
        assertThat(NameKeys.keys(new HumanName().setFamily("王").addGiven("丽"))).contains("wangli");
        assertThat(NameKeys.key("王立")).isEqualTo("wangli"); // homophones share a key: weak evidence, offered only
        assertThat(NameKeys.key("张丽")).isNotEqualTo(NameKeys.key("王丽"));
        assertThat(NameKeys.key(null)).isEmpty();
        assertThat(NameKeys.key(" ")).isEmpty();
    }

    @Test
    void phonesCompareByDigitsWithoutCountryCode() {
        assertThat(NameKeys.phoneKey("+86 138-0000-0000")).isEqualTo("13800000000");
        assertThat(NameKeys.phoneKey("0086 13800000000")).isEqualTo("13800000000");
        assertThat(NameKeys.phoneKey("138 0000 0000")).isEqualTo("13800000000");
        assertThat(NameKeys.phoneKey("010-6512-3456")).isEqualTo("01065123456");
    }
}
