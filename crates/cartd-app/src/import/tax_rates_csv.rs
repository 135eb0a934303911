//! WooCommerce's tax-rate CSV (WooCommerce → Settings → Tax → a class → Export CSV; the same
//! file "Import CSV" reads): ten positional columns
//! `Country Code,State Code,ZIP/Postcode,City,Rate %,Tax Name,Priority,Compound,Shipping,Tax Class`,
//! stored the way `WC_Tax::_insert_tax_rate` stores them.

use std::io::Read;

use cartd_domain::settings::TaxRate;

use super::ImportError;
use super::table::read_table;
use super::wc_values as wc;
use cartd_domain::php::sanitize_title;

const COLUMNS: [&str; 10] = [
    "Country Code",
    "State Code",
    "ZIP/Postcode",
    "City",
    "Rate %",
    "Tax Name",
    "Priority",
    "Compound",
    "Shipping",
    "Tax Class",
];

/// Parse a WooCommerce tax-rate CSV. Rates get IDs `first_id`, `first_id + 1`, … and
/// `order` 0, 1, … in file order. Countries, states, postcodes and cities are upper-cased,
/// `*` means "any" (stored as empty), postcodes and cities are `;`-separated, the rate is
/// stored with four decimals (`"10.0000"`), an empty name becomes `"Tax"` and the class is
/// stored as its slug (`"Reduced rate"` → `"reduced-rate"`, `"standard"` → `""`). Whether the
/// class exists is checked when the rates are put into the settings
/// ([`crate::settings_file::validate_settings`]).
pub fn parse_tax_rates_csv<R: Read>(input: R, first_id: u64) -> Result<Vec<TaxRate>, ImportError> {
    let table = read_table(input, &mut |_| {})?;
    if table.headers.len() != COLUMNS.len() {
        return Err(ImportError::Header {
            reason: format!(
                "expected the {} columns {}, found {}",
                COLUMNS.len(),
                COLUMNS.join(","),
                table.headers.len()
            ),
        });
    }

    let mut rates = Vec::with_capacity(table.rows.len());
    for (index, raw) in table.rows.iter().enumerate() {
        let header = |i: usize| table.headers[i].as_str();
        let err = |i: usize, reason: String| ImportError::row(raw.row, raw.line, header(i), reason);
        if raw.cells.len() > COLUMNS.len() {
            return Err(ImportError::row(
                raw.row,
                raw.line,
                header(COLUMNS.len() - 1),
                format!("the row has {} values, expected {}", raw.cells.len(), COLUMNS.len()),
            ));
        }
        let cell = |i: usize| wc::unescape(raw.cell(i));

        let country = location_code(cell(0));
        if !(country.is_empty() || (country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()))) {
            return Err(err(0, format!("\"{}\" is not a two-letter country code or *", cell(0))));
        }
        let state: String =
            location_code(cell(1)).chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-')).collect();

        let mut postcodes: Vec<String> = Vec::new();
        for p in wc::wc_clean(cell(2)).split(';').map(wc::normalize_postcode) {
            if p.is_empty() || p == "0" || p == "*" || postcodes.contains(&p) {
                continue;
            }
            if let Some(problem) = wc::postcode_problem(&p) {
                return Err(err(2, problem));
            }
            postcodes.push(p);
        }
        let mut cities: Vec<String> = Vec::new();
        for c in wc::wc_clean(cell(3)).split(';').map(|c| wc::php_trim(c).to_uppercase()) {
            if !(c.is_empty() || c == "0" || c == "*" || cities.contains(&c)) {
                cities.push(c);
            }
        }

        let rate_text = wc::php_trim(cell(4));
        let rate = if rate_text.is_empty() { 0.0 } else { wc::parse_number(rate_text).map_err(|e| err(4, e))? };
        if rate < 0.0 {
            return Err(err(4, format!("\"{rate_text}\" is a negative rate")));
        }
        let name = match wc::wc_clean(cell(5)) {
            n if n.is_empty() => "Tax".to_string(),
            n => n,
        };
        let priority_text = wc::php_trim(cell(6));
        let priority = if priority_text.is_empty() {
            0
        } else {
            priority_text
                .parse::<u32>()
                .map_err(|_| err(6, format!("\"{priority_text}\" is not a priority (a whole number, 0 or more)")))?
        };
        let compound = flag(cell(7)).map_err(|e| err(7, e))?;
        let shipping = flag(cell(8)).map_err(|e| err(8, e))?;
        let class = match sanitize_title(&wc::wc_clean(cell(9))) {
            c if c == "standard" => String::new(),
            c => c,
        };

        rates.push(TaxRate {
            id: first_id + index as u64,
            country,
            state,
            postcodes,
            cities,
            rate: wc::round_decimal(rate, 4),
            name,
            priority,
            compound,
            shipping,
            class,
            order: index as i64,
        });
    }
    Ok(rates)
}

/// Country or state code: trimmed, upper-cased, `*` → `""`.
fn location_code(value: &str) -> String {
    let v = wc::php_trim(value).to_uppercase();
    if v == "*" { String::new() } else { v }
}

/// Compound / Shipping: WooCommerce stores 1 for any non-empty value other than "0"; cartd
/// also reads yes/no/true/false and refuses anything else.
fn flag(value: &str) -> Result<bool, String> {
    wc::parse_bool(value).map_err(|_| format!("\"{value}\" is not 1 or 0"))
}
