package org.patientvault.mapping.checkup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;

import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Quantity.QuantityComparator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckupCsvParserTest {

    static final String HEADER = "resident_id,mrn,name,birth_date,gender,phone,date,local_code,local_name,value,unit,ref_low,ref_high\n";
    static final Charset GB = Charset.forName("GB18030");
    final CheckupCsvParser parser = new CheckupCsvParser(10_000);

    static CheckupCsvException refused(Runnable r) {
        try {
            r.run();
        } catch (CheckupCsvException e) {
            return e;
        }
        throw new AssertionError("expected CheckupCsvException");
    }

    List<CheckupRow> parse(String csv) {
        return parser.parse(csv.getBytes(StandardCharsets.UTF_8), "utf-8");
    }

    @Test
    void validRowsAreTyped() {
        List<CheckupRow> rows = parse(HEADER
                + "110101198503120025,,,,男,,2026-11-20 07:45,GLU,血糖,<0.5,mmol/L,,\n"
                + ",M-1,,,,,20261120,PRO,尿蛋白,+,,,\n"
                + "\n"
                + ",,张三,1970/1/2,2,139,2026-11-20,,谷丙转氨酶,40,U/L,0,40\n");
        assertThat(rows).hasSize(3);
        CheckupRow a = rows.get(0);
        assertThat(a.row()).isEqualTo(2);
        assertThat(a.residentId().value()).isEqualTo("110101198503120025");
        assertThat(a.gender()).isEqualTo(AdministrativeGender.MALE);
        assertThat(a.time()).isEqualTo(LocalTime.of(7, 45));
        assertThat(a.comparator()).isEqualTo(QuantityComparator.LESS_THAN);
        assertThat(a.value()).isEqualByComparingTo("0.5");
        CheckupRow b = rows.get(1);
        assertThat(b.text()).isEqualTo("+");
        assertThat(b.value()).isNull();
        assertThat(b.date()).isEqualTo(LocalDate.of(2026, 11, 20));
        CheckupRow c = rows.get(2);
        assertThat(c.row()).isEqualTo(5);
        assertThat(c.birthDate()).isEqualTo(LocalDate.of(1970, 1, 2));
        assertThat(c.gender()).isEqualTo(AdministrativeGender.FEMALE);
        assertThat(c.localCode()).isNull();
        assertThat(c.refHigh()).isEqualTo(new BigDecimal("40"));
    }

    @Test
    void implausibleButParseableDataIsAccepted() {
        List<CheckupRow> rows = parse(HEADER + ",M-1,,,,,2099-01-01,GLU,血糖,999,furlongs,10,1\n");
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.date().getYear()).isEqualTo(2099);
            assertThat(r.unit()).isEqualTo("furlongs");
            assertThat(r.value()).isEqualByComparingTo("999");
        });
    }

    @Test
    void invalidResidentIdIsAFieldErrorWithMaskedId() {
        CheckupCsvException e = refused(() -> parse(HEADER + "110101198503120026,,,,,,2026-11-20,GLU,血糖,5.6,mmol/L,,\n"));
        assertThat(e.kind()).isEqualTo(CheckupCsvException.Kind.ROWS);
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.row()).isEqualTo(2);
            assertThat(err.column()).isEqualTo("resident_id");
            assertThat(err.message()).contains("check character").doesNotContain("110101198503120026");
        });
    }

    @Test
    void nonNumericValueWithUnitIsRejected() {
        CheckupCsvException e = refused(() -> parse(HEADER + ",M-1,,,,,2026-11-20,GLU,血糖,高,mmol/L,,\n"));
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.column()).isEqualTo("value");
            assertThat(err.message()).contains("not a number");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"5.6mmol/L", "35 U/L", "6.1%", "<0.5 mg/L"})
    void unitTypedIntoTheValueCellIsRejected(String value) {
        CheckupCsvException e = refused(() -> parse(HEADER + ",M-1,,,,,2026-11-20,GLU,血糖," + value + ",,,\n"));
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.column()).isEqualTo("value");
            assertThat(err.message()).contains("unit column");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"阴性", "negative", "+", "2+", "+-", "trace", "阳性(+)"})
    void qualitativeValuesWithoutUnitAreText(String value) {
        assertThat(parse(HEADER + ",M-1,,,,,2026-11-20,PRO,尿蛋白," + value + ",,,\n"))
                .singleElement().satisfies(r -> {
                    assertThat(r.text()).isEqualTo(value);
                    assertThat(r.value()).isNull();
                });
    }

    @Test
    void badDateGenderAndReferenceAreReportedTogether() {
        CheckupCsvException e = refused(() -> parse(HEADER
                + ",M-1,,,X,,2026-02-30,GLU,血糖,5,mmol/L,low,\n"
                + ",M-2,,,,,,GLU,血糖,5,mmol/L,,\n"));
        assertThat(e.errors()).extracting(CheckupCsvError::row, CheckupCsvError::column)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, "gender"),
                        org.assertj.core.groups.Tuple.tuple(2, "date"),
                        org.assertj.core.groups.Tuple.tuple(2, "ref_low"),
                        org.assertj.core.groups.Tuple.tuple(3, "date"));
        assertThat(e.getMessage()).contains("row 2, column gender");
    }

    @Test
    void rowThatCannotIdentifyAPatientIsRejected() {
        CheckupCsvException e = refused(() -> parse(HEADER + ",,张三,1970-01-02,,,2026-11-20,GLU,血糖,5.6,mmol/L,,\n"));
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.column()).isNull();
            assertThat(err.message()).contains("cannot identify a patient");
        });
    }

    @Test
    void rowWithoutTestOrValueIsRejected() {
        CheckupCsvException e = refused(() -> parse(HEADER + ",M-1,,,,,2026-11-20,,,,,,\n"));
        assertThat(e.errors()).extracting(CheckupCsvError::column).containsExactly(null, "value");
    }

    @Test
    void sameMrnWithTwoResidentIdsIsRejected() {
        CheckupCsvException e = refused(() -> parse(HEADER
                + "110101198503120025,M-1,,,,,2026-11-20,GLU,血糖,5.6,mmol/L,,\n"
                + "310104197809210017,M-1,,,,,2026-11-20,GLU,血糖,5.6,mmol/L,,\n"));
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.row()).isEqualTo(3);
            assertThat(err.column()).isEqualTo("mrn");
        });
    }

    @Test
    void missingColumnsAreNamed() {
        CheckupCsvException e = refused(() -> parse("resident_id,name,date,local_code,value\n1,2,3,4,5\n"));
        assertThat(e.kind()).isEqualTo(CheckupCsvException.Kind.STRUCTURE);
        assertThat(e.errors()).extracting(CheckupCsvError::column)
                .containsExactly("mrn", "birth_date", "gender", "phone", "local_name", "unit", "ref_low", "ref_high");
        assertThat(e.errors()).allSatisfy(err -> assertThat(err.row()).isEqualTo(1));
    }

    @Test
    void headerOnlyAndEmptyFilesAreRejected() {
        assertThat(refused(() -> parse(HEADER)).errors().get(0).message()).contains("no data rows");
        assertThat(refused(() -> parse("")).errors().get(0).message()).contains("header row is required");
    }

    @Test
    void wrongFieldCountAndBrokenQuotesAreRejected() {
        CheckupCsvException e = refused(() -> parse(HEADER + ",M-1,,,,,2026-11-20,GLU,血糖,5.6,mmol/L\n"));
        assertThat(e.errors().get(0).message()).contains("11 fields but the header has 13");
        CheckupCsvException q = refused(() -> parse(HEADER + ",M-1,,,,,2026-11-20,GLU,\"血糖,5.6,mmol/L,,\n"));
        assertThat(q.kind()).isEqualTo(CheckupCsvException.Kind.STRUCTURE);
        assertThat(q.errors().get(0).row()).isEqualTo(2);
        assertThat(q.errors().get(0).message()).contains("never closed");
    }

    @Test
    void overSizeLimitIsRejected() {
        byte[] big = (HEADER + ",M-1,,,,,2026-11-20,GLU,血糖,5.6,mmol/L,,\n".repeat(500)).getBytes(StandardCharsets.UTF_8);
        CheckupCsvException e = refused(() -> new CheckupCsvParser(1000).parse(big, "utf-8"));
        assertThat(e.kind()).isEqualTo(CheckupCsvException.Kind.SIZE);
        assertThat(e.getMessage()).contains("1000 bytes");
        CheckupCsvException s = refused(() -> new CheckupCsvParser(1000).parse(new ByteArrayInputStream(big), "utf-8"));
        assertThat(s.kind()).isEqualTo(CheckupCsvException.Kind.SIZE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"latin-1", "gbk", "utf-16", "big5"})
    void otherCharsetsAreRejected(String charset) {
        CheckupCsvException e = refused(() -> parser.parse(HEADER.getBytes(StandardCharsets.UTF_8), charset));
        assertThat(e.kind()).isEqualTo(CheckupCsvException.Kind.ENCODING);
        assertThat(e.getMessage()).contains(charset).contains("utf-8 or gb18030");
    }

    @Test
    void missingCharsetIsRejected() {
        assertThat(refused(() -> parser.parse(HEADER.getBytes(StandardCharsets.UTF_8), (String) null)).kind())
                .isEqualTo(CheckupCsvException.Kind.ENCODING);
        assertThat(refused(() -> CheckupCsvParser.charsetOf("text/csv")).getMessage()).contains("no charset declared");
        assertThat(CheckupCsvParser.charsetOf("text/csv; charset=GB18030")).isEqualTo(GB);
        assertThat(CheckupCsvParser.charsetOf("text/csv;charset=\"utf-8\"")).isEqualTo(StandardCharsets.UTF_8);
    }

    @Test
    void gb18030BytesDeclaredUtf8AreRejectedWithPosition() {
        byte[] gb = (HEADER + ",M-1,,,,,2026-11-20,GLU,血糖,5.6,mmol/L,,\n").getBytes(GB);
        CheckupCsvException e = refused(() -> parser.parse(gb, "utf-8"));
        assertThat(e.kind()).isEqualTo(CheckupCsvException.Kind.ENCODING);
        assertThat(e.getMessage()).contains("line 2").contains("not valid UTF-8").contains("offset");
    }

    @Test
    void utf8BytesDeclaredGb18030AreRejected() {
        byte[] utf8 = (HEADER + ",M-1,,,,,2026-11-20,GLU,血糖,5.6,mmol/L,,\n").getBytes(StandardCharsets.UTF_8);
        CheckupCsvException e = refused(() -> parser.parse(utf8, "gb18030"));
        assertThat(e.getMessage()).contains("declared gb18030 but its bytes are UTF-8");
    }

    @Test
    void mixedEncodingIsRejected() {
        byte[] a = (HEADER + ",M-1,,,,,2026-11-20,GLU,血糖,5.6,mmol/L,,\n").getBytes(StandardCharsets.UTF_8);
        byte[] b = ",M-2,,,,,2026-11-20,ALT,谷丙转氨酶,30,U/L,,\n".getBytes(GB);
        byte[] mixed = new byte[a.length + b.length];
        System.arraycopy(a, 0, mixed, 0, a.length);
        System.arraycopy(b, 0, mixed, a.length, b.length);
        CheckupCsvException e = refused(() -> parser.parse(mixed, "utf-8"));
        assertThat(e.kind()).isEqualTo(CheckupCsvException.Kind.ENCODING);
        assertThat(e.getMessage()).contains("line 3");
    }

    @Test
    void invalidGb18030BytesAreRejected() {
        byte[] bad = (HEADER + ",M-1,,,,,2026-11-20,GLU,x,5.6,mmol/L,,\n").getBytes(StandardCharsets.US_ASCII);
        bad[bad.length - 20] = (byte) 0xFF; // 0xFF is never valid in GB18030
        CheckupCsvException e = refused(() -> parser.parse(bad, "gb18030"));
        assertThat(e.kind()).isEqualTo(CheckupCsvException.Kind.ENCODING);
        assertThat(e.getMessage()).contains("0xFF").contains("GB18030");
    }

    @Test
    void utf8BomIsSkipped() {
        byte[] body = (HEADER + ",M-1,,,,,2026-11-20,GLU,血糖,5.6,mmol/L,,\n").getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        assertThat(parser.parse(withBom, "UTF-8")).hasSize(1);
    }

    @Test
    void quotedFieldsAndReorderedColumnsWork() {
        String csv = "value,unit,local_name,local_code,date,mrn,resident_id,name,birth_date,gender,phone,ref_low,ref_high,extra\r\n"
                + "5.6,mmol/L,\"血糖, \"\"空腹\"\"\",GLU,2026-11-20,M-1,,,,,,,,ignored\r\n";
        assertThat(parse(csv)).singleElement().satisfies(r -> {
            assertThat(r.localName()).isEqualTo("血糖, \"空腹\"");
            assertThat(r.mrn()).isEqualTo("M-1");
        });
    }
}
