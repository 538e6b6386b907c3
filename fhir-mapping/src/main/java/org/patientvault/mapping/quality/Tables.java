package org.patientvault.mapping.quality;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Reads the classpath tables under {@code quality/}. */
final class Tables {
    /** One data row of a ';'-separated table, with its 1-based line number for error messages. */
    record Row(int line, String[] cells) {
    }

    private Tables() {
    }

    static InputStream open(String resource) {
        InputStream in = Tables.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new QualityConfigurationException("classpath resource " + resource + " is missing");
        }
        return in;
    }

    static List<Row> rows(String resource, int minCells) {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open(resource), StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] cells = t.split(";", -1);
                if (cells.length < minCells) {
                    throw new QualityConfigurationException(resource + " line " + n + ": expected at least "
                            + minCells + " ';'-separated cells, got " + cells.length);
                }
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = cells[i].strip();
                }
                rows.add(new Row(n, cells));
            }
        } catch (IOException e) {
            throw new QualityConfigurationException("cannot read " + resource, e);
        }
        return rows;
    }

    static Properties properties(String resource) {
        Properties p = new Properties();
        try (InputStream in = open(resource)) {
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new QualityConfigurationException("cannot read " + resource, e);
        }
        return p;
    }

    static double number(String resource, int line, String column, String raw) {
        try {
            double v = Double.parseDouble(raw);
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new QualityConfigurationException(resource + " line " + line + ": " + column + " '" + raw
                    + "' is not a number");
        }
    }
}
