//! Text bound for a spreadsheet: a cell that starts like a formula (`=`, `+`, `-`, `@`, or a tab
//! or carriage return before one) would be run by the spreadsheet that opens the file, so it is
//! kept as text with a leading apostrophe. Numbers, negative ones included, stay numbers.

use std::borrow::Cow;

/// `cell` as a spreadsheet shows it without running it.
pub fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    let formula_like = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula_like && cell.trim().parse::<f64>().is_err() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn formulas_become_text_and_numbers_stay_numbers() {
        assert_eq!(
            spreadsheet_safe("=HYPERLINK(\"http://x\",\"a\")"),
            "'=HYPERLINK(\"http://x\",\"a\")"
        );
        assert_eq!(spreadsheet_safe("@SUM(A1:A9)"), "'@SUM(A1:A9)");
        assert_eq!(spreadsheet_safe("+1+cmd|' /C calc'!A0"), "'+1+cmd|' /C calc'!A0");
        assert_eq!(spreadsheet_safe("-2+3"), "'-2+3");
        assert_eq!(spreadsheet_safe("\t=1+1"), "'\t=1+1");
        assert_eq!(spreadsheet_safe("-12.5"), "-12.5");
        assert_eq!(spreadsheet_safe("Théâtre = lieu"), "Théâtre = lieu");
        assert_eq!(spreadsheet_safe(""), "");
    }
}
