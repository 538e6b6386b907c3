package org.patientvault.mapping.dicom.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs dcmtk tools, the test oracle and the maker of test files. Fails (never skips) with the install hint when
 * dcmtk is missing. Shared with other modules' tests through fhir-mapping's test-jar.
 */
public final class Dcmtk {
    private Dcmtk() {
    }

    /** Result of one tool run. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    public static Path tool(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError("dcmtk tool '" + name + "' not found on PATH. The DICOM tests use dcmtk as their "
                + "oracle: install it with `apt-get install -y dcmtk` (CI installs it).");
    }

    /** Runs a tool in {@code dir}; returns its output whatever the exit code. */
    public static Result exec(Path dir, String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool(name).toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("dcmtk", ".out");
        Path err = Files.createTempFile("dcmtk", ".err");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(name + " timed out: " + cmd);
            }
            // new String(...) replaces malformed bytes: dcmdump prints values in their own charset (e.g. GB18030).
            return new Result(p.exitValue(), new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
                    new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs a tool and asserts success. */
    public static String run(Path dir, String name, String... args) throws IOException {
        Result r = exec(dir, name, args);
        if (r.exitCode() != 0) {
            throw new AssertionError(name + " " + String.join(" ", args) + " failed with exit " + r.exitCode() + ":\n"
                    + r.stderr() + r.stdout());
        }
        return r.stdout();
    }

    /**
     * Writes {@code dump} (dcmdump text) in {@code charset} to {@code dumpFile} and builds {@code out} from it with
     * {@code dump2dcm} and {@code options}, run in the dump's folder; asserts success.
     */
    public static Path dump2dcm(Path dumpFile, String dump, Charset charset, Path out, String... options)
            throws IOException {
        Files.write(dumpFile, dump.getBytes(charset));
        List<String> args = new ArrayList<>(List.of(options));
        args.add(dumpFile.toString());
        args.add(out.toString());
        run(dumpFile.getParent(), "dump2dcm", args.toArray(String[]::new));
        return out;
    }
}
