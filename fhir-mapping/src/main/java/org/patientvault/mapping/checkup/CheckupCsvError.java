package org.patientvault.mapping.checkup;

/**
 * One problem in a checkup CSV.
 *
 * @param row     1-based line number where the record starts (the header is row 1); 0 for problems with
 *                the file as a whole (encoding, size)
 * @param column  the column name, or null for row- or file-level problems
 * @param message what is wrong, without clinical values or full national IDs
 */
public record CheckupCsvError(int row, String column, String message) {

    @Override
    public String toString() {
        return (row == 0 ? "file" : "row " + row) + (column == null ? "" : ", column " + column) + ": " + message;
    }
}
