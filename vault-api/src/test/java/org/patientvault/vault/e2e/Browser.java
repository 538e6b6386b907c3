package org.patientvault.vault.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser for the web tier's end-to-end tests: Debian's {@code chromium}, headless, driven through Debian's
 * {@code chromium-driver} (paths set explicitly, so Selenium never looks for, or downloads, a browser). Users sign
 * in by typing into Keycloak's own login page. Each test saves a screenshot of its final page under
 * {@code target/screenshots/}.
 */
public final class Browser implements AutoCloseable {

    static final String CHROMIUM = System.getenv().getOrDefault("VAULT_TEST_CHROMIUM", "/usr/bin/chromium");
    static final String DRIVER = System.getenv().getOrDefault("VAULT_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    final ChromeDriver driver;
    final Path downloads;
    private final String base;

    /**
     * @param base     the vault's base URL, e.g. {@code http://localhost:PORT}
     * @param language the browser's preferred language ({@code zh-CN} or {@code en})
     */
    public Browser(String base, String language) throws IOException {
        assertThat(new File(CHROMIUM).canExecute()).as("Debian's chromium at " + CHROMIUM
                + " (apt-get install chromium; .ci/run installs it)").isTrue();
        assertThat(new File(DRIVER).canExecute()).as("Debian's chromium-driver at " + DRIVER
                + " (apt-get install chromium-driver)").isTrue();
        this.base = base;
        this.downloads = Files.createTempDirectory("pv-browser-downloads");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1000", "--lang=" + language, "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--password-store=basic");
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("download.default_directory", downloads.toAbsolutePath().toString());
        prefs.put("download.prompt_for_download", false);
        prefs.put("intl.accept_languages", language);
        options.setExperimentalOption("prefs", prefs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(90));
    }

    /** Opens {@code path} of the vault (e.g. {@code /app}). */
    public void open(String path) {
        driver.get(base + path);
    }

    /**
     * Signs {@code user} in through Keycloak's login page: opens {@code path}, which sends an anonymous browser to
     * the provider, types the credentials there, and waits until the vault shows {@code path}'s page again.
     */
    void signIn(String path, String user, String password) {
        open(path);
        waitFor(d -> d.getCurrentUrl().contains("/protocol/openid-connect/auth")
                || d.getCurrentUrl().contains("/login-actions/"));
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("kc-login")).click();
        waitFor(d -> d.getCurrentUrl().startsWith(base + "/app"));
        waitFor(d -> !d.findElements(By.id("signed-in-as")).isEmpty());
    }

    /**
     * Signs {@code user} in through the development issuer's login form (embedded mode, no Keycloak): opens
     * {@code path}, fills the form the vault itself serves, and waits until {@code path}'s page is shown.
     */
    public void signInEmbedded(String path, String user, String password) {
        open(path);
        waitFor(d -> d.getCurrentUrl().startsWith(base + "/login"));
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        waitFor(d -> d.getCurrentUrl().startsWith(base + path));
        waitFor(d -> !d.findElements(By.id("signed-in-as")).isEmpty());
    }

    public WebElement find(By by) {
        return waitFor(d -> d.findElements(by).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
    }

    public String text(By by) {
        return find(by).getText();
    }

    /** Waits up to 60 s; on a timeout the failure names the page the browser is on and saves its screenshot. */
    public <T> T waitFor(Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, Duration.ofSeconds(60)).until(condition);
        } catch (org.openqa.selenium.TimeoutException e) {
            String body = driver.findElements(By.tagName("body")).stream().findFirst().map(WebElement::getText)
                    .orElse("");
            try {
                screenshot("timeout-" + System.currentTimeMillis());
            } catch (IOException | RuntimeException ignored) {
                // the failure below says what matters
            }
            throw new AssertionError("Timed out on " + driver.getCurrentUrl() + " (" + driver.getTitle() + "): "
                    + body.substring(0, Math.min(body.length(), 500)), e);
        }
    }

    /** The session cookie, for requests a test makes beside the browser (e.g. a forged POST). */
    String sessionCookie() {
        Cookie c = driver.manage().getCookieNamed("PV_SESSION");
        assertThat(c).as("the web session cookie").isNotNull();
        assertThat(c.isHttpOnly()).as("the session cookie is HttpOnly").isTrue();
        assertThat(c.getSameSite()).as("the session cookie's SameSite").isEqualToIgnoringCase("Lax");
        return c.getName() + "=" + c.getValue();
    }

    /** Saves the current page as {@code target/screenshots/<name>.png}. */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path to = SCREENSHOTS.resolve(name + ".png");
        Files.write(to, driver.getScreenshotAs(OutputType.BYTES));
        return to;
    }

    /** The file the browser downloaded whose name starts with {@code prefix}, once it is complete. */
    Path downloaded(String prefix) {
        return waitFor(d -> {
            try (var files = Files.list(downloads)) {
                return files.filter(f -> f.getFileName().toString().startsWith(prefix)
                        && !f.getFileName().toString().endsWith(".crdownload")).findFirst().orElse(null);
            } catch (IOException e) {
                return null;
            }
        });
    }

    @Override
    public void close() {
        driver.quit();
    }
}
