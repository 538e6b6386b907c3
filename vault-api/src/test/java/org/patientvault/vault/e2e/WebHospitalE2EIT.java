package org.patientvault.vault.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.patientvault.vault.imaging.ImagingFixtures;

/**
 * The hospital console in a real browser (issue: web, test b): bj-staff signs in on Keycloak's own page as
 * hosp-beijing's staff, uploads a checkup CSV and a zipped dcmtk-made CT study, reads each receipt, and sees the
 * hospital's scorecard and submission history; a malformed CSV is refused next to its field and stores nothing.
 */
class WebHospitalE2EIT extends E2EBase {

    private static final String HEADER =
            "resident_id,mrn,name,birth_date,gender,phone,date,local_code,local_name,value,unit,ref_low,ref_high\n";

    @Test
    void bjStaffUploadsACsvAndADicomZipAndSeesTheReceiptsAndTheScorecard() throws Exception {
        Path dir = Files.createTempDirectory("pv-web-hospital");
        // A value no other test sends, so this is a new submission, not a replay.
        String value = "5." + (100 + (int) (Math.random() * 800));
        Path csv = Files.writeString(dir.resolve("checkup.csv"), HEADER + ALICE_RID
                + ",,,,,,2026-11-20,GLU,空腹血糖," + value + ",mmol/L,3.9,6.1\n", StandardCharsets.UTF_8);
        String study = "2.25." + Math.abs(new java.util.Random().nextLong());
        Path dicom = new ImagingFixtures("web-hospital-" + study).ctWithAcquisition(study, 1, 1,
                new ImagingFixtures.Who("WEB-" + study, null, "Li^Alice", "19850312", "F", ALICE_RID));
        Path zip = dir.resolve("study.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("study/IM0001.dcm"));
            out.write(Files.readAllBytes(dicom));
            out.closeEntry();
        }
        Path bad = Files.writeString(dir.resolve("bad.csv"), HEADER + "not-an-id,,,,,,2026-13-45,GLU,空腹血糖,abc,,,\n",
                StandardCharsets.UTF_8);
        try (Browser b = new Browser("http://localhost:" + port, "zh-CN")) {
            b.signIn("/app/hospital/upload", "bj-staff", "bj-staff-demo");
            assertThat(b.driver.getCurrentUrl()).endsWith("/app/hospital/upload");
            int before = submissions(b);
            b.open("/app/hospital/upload");

            // A malformed CSV: the message sits next to the field and nothing is stored.
            b.find(By.id("csv-file")).sendKeys(bad.toString());
            b.find(By.cssSelector("#csv-form button[type=submit]")).click();
            String error = b.text(By.id("csv-error"));
            assertThat(error).contains("CSV 无法读取或含有无效行").contains("第 2 行");
            assertThat(b.find(By.id("csv-file")).getAttribute("aria-invalid")).isEqualTo("true");
            assertThat(b.driver.findElements(By.id("receipt"))).isEmpty();
            assertThat(submissions(b)).as("a refused upload stores nothing").isEqualTo(before);
            b.open("/app/hospital/upload");
            // A file of the wrong type is refused by the page itself.
            b.find(By.id("dicom-file")).sendKeys(bad.toString());
            b.find(By.cssSelector("#dicom-form button[type=submit]")).click();
            assertThat(b.text(By.id("dicom-error"))).contains("请选择 ZIP 文件");
            b.screenshot("web-b-1-refused");

            // The checkup CSV: its receipt.
            b.find(By.id("csv-file")).sendKeys(csv.toString());
            b.find(By.cssSelector("#csv-form button[type=submit]")).click();
            String receipt = b.text(By.id("receipt"));
            assertThat(receipt).contains("CSV 回执");
            assertThat(Integer.parseInt(b.text(By.id("receipt-created")))).isGreaterThanOrEqualTo(1);
            assertThat(b.text(By.id("receipt-links"))).contains("已关联");
            assertThat(b.text(By.id("receipt-score"))).matches("[01]\\.\\d+|1|0");
            b.screenshot("web-b-2-csv-receipt");

            // The zipped study: stored, in one study, with its receipt (on the next page, not the CSV's).
            WebElement csvReceipt = b.find(By.id("receipt"));
            b.find(By.id("dicom-file")).sendKeys(zip.toString());
            b.find(By.cssSelector("#dicom-form button[type=submit]")).click();
            b.waitFor(ExpectedConditions.stalenessOf(csvReceipt));
            assertThat(b.text(By.id("receipt"))).contains("影像回执");
            assertThat(b.text(By.id("receipt-imaging"))).contains("已保存 1 个实例", "1 个检查");
            b.screenshot("web-b-3-dicom-receipt");

            // The scorecard: its trend is drawn, beside the mean of all hospitals.
            b.open("/app/hospital/scorecard");
            b.waitFor(d -> "1".equals(d.findElement(By.id("scorecard-chart")).getAttribute("data-drawn")));
            assertThat(b.text(By.id("scorecard-rank"))).contains("第").contains("名");
            assertThat(b.driver.findElements(By.cssSelector("#scorecard-trend tbody tr"))).isNotEmpty();

            // The history lists both uploads.
            assertThat(submissions(b)).isGreaterThanOrEqualTo(before + 2);

            // English on request.
            b.open("/app/hospital/scorecard?lang=en");
            assertThat(b.text(By.tagName("h1"))).isEqualTo("Data-quality scorecard");
            b.screenshot("web-b-4-scorecard");
        }
    }

    @Test
    void anotherKindOfUserCannotOpenTheHospitalConsole() throws Exception {
        try (Browser b = new Browser("http://localhost:" + port, "zh-CN")) {
            b.signIn("/app/patient/records", "alice", "alice-demo");
            b.open("/app/hospital/upload");
            assertThat(b.text(By.tagName("main"))).contains("此页面仅供医院使用。", "403");
            assertThat(b.driver.findElements(By.id("csv-form"))).isEmpty();
            b.screenshot("web-b-5-refused-area");
        }
    }

    /** The rows of the hospital's submission history (a fresh database: far fewer than the 50 it shows). */
    private static int submissions(Browser b) {
        b.open("/app/hospital/submissions");
        b.find(By.tagName("h1"));
        return b.driver.findElements(By.cssSelector("#submissions tbody tr")).size();
    }
}
