package org.patientvault.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The consent module is a plain domain library: no Spring, no servlet API, no other vault module. */
class ModuleBoundaryTest {

    @Test
    void mainSourcesImportNoFrameworkOrUpperModule() throws IOException {
        Path main = Path.of("src/main/java");
        assertThat(main).isDirectory();
        List<String> offenders;
        try (Stream<Path> files = Files.walk(main)) {
            offenders = files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
                try {
                    return Files.readAllLines(f).stream()
                            .filter(l -> l.startsWith("import "))
                            .filter(l -> l.contains("org.springframework") || l.contains("jakarta.servlet")
                                    || l.contains("org.patientvault.vault") || l.contains("org.patientvault.mobile")
                                    || l.contains("org.patientvault.web") || l.contains("org.patientvault.storage"))
                            .map(l -> f.getFileName() + ": " + l);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read " + f, e);
                }
            }).toList();
        }
        assertThat(offenders).isEmpty();
    }
}
