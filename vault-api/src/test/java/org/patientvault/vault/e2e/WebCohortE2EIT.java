package org.patientvault.vault.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The AI-firm console and the admin's approval queue in real browsers (issue: web, test c): ai-lab-staff files a
 * cohort request (after the form refused an invalid one beside its fields), vault-admin approves it in the queue with
 * a reason, and ai-lab-staff starts the build and watches it end. The end-to-end world has no research consents, so
 * the build ends as the product says it must: "too small", with no count shown.
 */
class WebCohortE2EIT extends E2EBase {

    @Test
    void aiLabFilesARequestTheAdminApprovesItAndAiLabSeesItBuild() throws Exception {
        String base = "http://localhost:" + port;
        String name = "胸部 CT " + System.nanoTime();
        String requestUrl;
        try (Browser firm = new Browser(base, "zh-CN")) {
            firm.signIn("/app/ai/cohorts/new", "ai-lab-staff", "ai-lab-staff-demo");

            // Invalid input: each message beside its field, nothing filed.
            firm.find(By.id("minQuality")).sendKeys("2");
            firm.find(By.id("file-cohort")).click();
            assertThat(firm.text(By.id("name-error"))).isEqualTo("请填写名称。");
            assertThat(firm.text(By.id("classes-error"))).isEqualTo("请至少选择一个数据类别。");
            assertThat(firm.text(By.id("minQuality-error"))).isEqualTo("请填写 0 到 1 之间的数。");
            assertThat(firm.find(By.id("name")).getAttribute("aria-invalid")).isEqualTo("true");
            firm.screenshot("web-c-1-invalid");

            WebElement quality = firm.find(By.id("minQuality"));
            quality.clear();
            quality.sendKeys("0.5");
            firm.find(By.id("name")).sendKeys(name);
            firm.find(By.id("projectTitle")).sendKeys("肺结节检测");
            firm.find(By.cssSelector("input[name=classes][value=imaging]")).click();
            firm.find(By.cssSelector("input[name=classes][value=laboratory]")).click();
            firm.find(By.cssSelector("input[name=modalities][value=CT]")).click();
            firm.find(By.id("criteria")).sendKeys("ImagingStudy?modality=CT");
            firm.find(By.id("file-cohort")).click();
            firm.waitFor(d -> d.getCurrentUrl().matches(".*/app/ai/cohorts/[0-9a-f-]{36}$"));
            requestUrl = firm.driver.getCurrentUrl().substring(base.length());
            assertThat(firm.text(By.id("cohort-state"))).isEqualTo("已提交，待审批");
            assertThat(firm.driver.findElements(By.id("build-cohort"))).as("not approved yet").isEmpty();
            firm.open("/app/ai/cohorts");
            assertThat(firm.text(By.id("cohort-list"))).contains(name);

            try (Browser admin = new Browser(base, "zh-CN")) {
                admin.signIn("/app/admin/cohorts", "vault-admin", "vault-admin-demo");
                String id = requestUrl.substring(requestUrl.lastIndexOf('/') + 1);
                By card = By.cssSelector(".approval[data-id='" + id + "']");
                assertThat(admin.text(card)).contains(name, "ai-lab", "肺结节检测", "CT",
                        "ImagingStudy?modality=CT");
                // No reason: refused beside the field, nothing decided.
                admin.driver.findElement(card).findElement(By.cssSelector("button.approve")).click();
                assertThat(admin.driver.findElements(card)).as("still waiting").hasSize(1);
                admin.find(By.id("reason-" + id)).sendKeys("项目符合伦理审查要求");
                admin.driver.findElement(card).findElement(By.cssSelector("button.approve")).click();
                assertThat(admin.text(By.id("approvals-done"))).isEqualTo("已批准。");
                assertThat(admin.driver.findElements(card)).as("no longer waiting").isEmpty();
                assertThat(admin.text(By.id("approvals-decided"))).contains(name, "项目符合伦理审查要求");
                admin.screenshot("web-c-2-approved");
            }

            firm.open(requestUrl);
            assertThat(firm.text(By.id("cohort-state"))).isEqualTo("已批准");
            assertThat(firm.text(By.id("cohort-reason"))).isEqualTo("项目符合伦理审查要求");
            firm.find(By.id("build-cohort")).click();
            // The page polls while it builds; the build ends too small (no research consents here), count unshown.
            String state = firm.waitFor(d -> {
                String s = d.findElement(By.id("cohort-status")).getAttribute("data-state");
                return List.of("too-small", "ready", "failed").contains(s) ? s : null;
            });
            assertThat(state).isEqualTo("too-small");
            assertThat(firm.text(By.id("cohort-state"))).isEqualTo("人数不足");
            assertThat(firm.text(By.id("cohort-message"))).contains("少于最低人数").doesNotContainPattern("\\d+ 位");
            assertThat(firm.text(By.id("no-withdrawals"))).isEqualTo("没有撤回。");
            firm.screenshot("web-c-3-built");
        }
    }
}
