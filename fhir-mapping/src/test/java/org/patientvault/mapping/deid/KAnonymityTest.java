package org.patientvault.mapping.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KAnonymityTest {
    private static final KAnonymityConfig K5 = new KAnonymityConfig(5, true, true, true, 2026);

    private static List<QuasiIdentifiers> many(int n, int year, String sex, String province) {
        List<QuasiIdentifiers> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new QuasiIdentifiers(year + i % 5, sex, province));
        }
        return out;
    }

    @Test
    void aCohortAlreadyKAnonymousInFiveYearBandsStaysThere() {
        List<QuasiIdentifiers> c = many(10, 1980, "female", "北京市");
        KAnonymityResult r = KAnonymity.guard(c, K5);
        assertThat(r.level()).isEqualTo(KAnonymity.Level.YEAR_5_PROVINCE);
        assertThat(r.suppressed()).isZero();
        assertThat(r.released().get(0)).isEqualTo(new KAnonymity.Released("1980-1984", "female", "北京市"));
    }

    @Test
    void generalisesToTenYearBandsThenRegionsThenSuppresses() {
        List<QuasiIdentifiers> c = new ArrayList<>(many(3, 1980, "male", "北京市"));
        c.addAll(many(3, 1985, "male", "北京市"));
        KAnonymityResult ten = KAnonymity.guard(c, K5);
        assertThat(ten.level()).isEqualTo(KAnonymity.Level.YEAR_10_PROVINCE);
        assertThat(ten.released().get(0).birthBand()).isEqualTo("1980-1989");

        c.addAll(many(3, 1980, "male", "天津市"));
        c.addAll(many(2, 1980, "male", "河北省"));
        KAnonymityResult region = KAnonymity.guard(c, K5);
        assertThat(region.level()).isEqualTo(KAnonymity.Level.YEAR_10_REGION);
        assertThat(region.suppressed()).isZero();
        assertThat(region.released()).allSatisfy(q -> assertThat(q.place()).isEqualTo("华北"));

        c.add(new QuasiIdentifiers(1950, "female", "海南省"));
        KAnonymityResult suppressed = KAnonymity.guard(c, K5);
        assertThat(suppressed.suppressed()).isEqualTo(1);
        assertThat(suppressed.isReleased(c.size() - 1)).isFalse();
    }

    @Test
    void theVeryOldShareOneBandAndQuasiIdentifiersAreConfigurable() {
        List<QuasiIdentifiers> c = new ArrayList<>();
        for (int y = 1920; y < 1936; y += 3) {
            c.add(new QuasiIdentifiers(y, "female", "上海市"));
        }
        KAnonymityResult r = KAnonymity.guard(c, K5);
        assertThat(r.suppressed()).isZero();
        assertThat(r.released()).allSatisfy(q -> assertThat(q.birthBand()).isEqualTo("90+"));
        KAnonymityResult noPlace = KAnonymity.guard(List.of(new QuasiIdentifiers(1980, "male", "北京市"),
                new QuasiIdentifiers(1981, "male", "广东省")), new KAnonymityConfig(2, true, true, false, 2026));
        assertThat(noPlace.suppressed()).isZero();
        assertThat(noPlace.released().get(0).place()).isNull();
    }
}
