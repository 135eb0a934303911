//! Addresses on the wire: the v2 `customer` block in WooCommerce's checkout-field order
//! (§D.1), WooCommerce's formatted address (`formatted_destination`) and the few country
//! names and labels the cart shows.

use cartd_domain::cart::{Address, Customer};
use cartd_domain::settings::{Settings, ShipTo};
use serde_json::Value;

use crate::sink::{Sink, ValueSink};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    FirstName,
    LastName,
    Company,
    Country,
    Address1,
    Address2,
    City,
    State,
    Postcode,
    Phone,
    Email,
}

impl Field {
    /// The wire key: `billing_…` or `shipping_…`.
    fn key(self, billing: bool) -> &'static str {
        match (self, billing) {
            (Field::FirstName, true) => "billing_first_name",
            (Field::LastName, true) => "billing_last_name",
            (Field::Company, true) => "billing_company",
            (Field::Country, true) => "billing_country",
            (Field::Address1, true) => "billing_address_1",
            (Field::Address2, true) => "billing_address_2",
            (Field::City, true) => "billing_city",
            (Field::State, true) => "billing_state",
            (Field::Postcode, true) => "billing_postcode",
            (Field::Phone, true) => "billing_phone",
            (Field::Email, true) => "billing_email",
            (Field::FirstName, false) => "shipping_first_name",
            (Field::LastName, false) => "shipping_last_name",
            (Field::Company, false) => "shipping_company",
            (Field::Country, false) => "shipping_country",
            (Field::Address1, false) => "shipping_address_1",
            (Field::Address2, false) => "shipping_address_2",
            (Field::City, false) => "shipping_city",
            (Field::State, false) => "shipping_state",
            (Field::Postcode, false) => "shipping_postcode",
            (Field::Phone, false) => "shipping_phone",
            (Field::Email, false) => "shipping_email",
        }
    }

    fn value(self, a: &Address) -> &str {
        match self {
            Field::FirstName => &a.first_name,
            Field::LastName => &a.last_name,
            Field::Company => &a.company,
            Field::Country => &a.country,
            Field::Address1 => &a.address_1,
            Field::Address2 => &a.address_2,
            Field::City => &a.city,
            Field::State => &a.state,
            Field::Postcode => &a.postcode,
            Field::Phone => &a.phone,
            Field::Email => &a.email,
        }
    }
}

use Field::*;

/// Default priorities: first 10, last 20, company 30, country 40, address 1 50, address 2 60,
/// city 70, state 80, postcode 90 (then phone 100, email 110 for billing).
const DEFAULT_ORDER: [Field; 9] = [FirstName, LastName, Company, Country, Address1, Address2, City, State, Postcode];
/// Locales that move the postcode to priority 65.
const POSTCODE_FIRST_ORDER: [Field; 9] =
    [FirstName, LastName, Company, Country, Address1, Address2, Postcode, City, State];
const HU_ORDER: [Field; 9] = [LastName, FirstName, Company, Country, Postcode, City, Address1, Address2, State];
const JP_ORDER: [Field; 9] = [LastName, FirstName, Company, Country, Postcode, State, City, Address1, Address2];

const POSTCODE_BEFORE_CITY: [&str; 23] = [
    "AT", "AX", "BA", "BE", "CH", "DE", "DK", "EE", "ES", "FI", "FR", "IL", "IS", "IT", "LI", "NL", "NO", "PL", "SE",
    "SI", "SK", "TR", "VN",
];

fn field_order(country: &str) -> &'static [Field; 9] {
    match country {
        "HU" => &HU_ORDER,
        "JP" => &JP_ORDER,
        c if POSTCODE_BEFORE_CITY.contains(&c) => &POSTCODE_FIRST_ORDER,
        _ => &DEFAULT_ORDER,
    }
}

/// One address block; billing adds phone and email after the located fields.
fn write_address<S: Sink>(sink: &mut S, billing: bool, address: &Address, country: &str) {
    sink.begin_object(if billing { 11 } else { 9 });
    for &field in field_order(country) {
        sink.field_str(field.key(billing), field.value(address));
    }
    if billing {
        sink.field_str(Phone.key(true), &address.phone);
        sink.field_str(Email.key(true), &address.email);
    }
    sink.end_object();
}

/// `customer`: `{billing_address: {billing_first_name, …}, shipping_address: {…}}` with the
/// keys in the checkout-field order of the address's country (or the store's base country when
/// it has none; a shipping country outside the store's "ship to specific countries" list is
/// replaced by the first listed one).
pub fn customer(customer: &Customer, settings: &Settings) -> Value {
    let mut sink = ValueSink::new();
    write_customer(&mut sink, customer, settings);
    sink.finish()
}

pub(crate) fn write_customer<S: Sink>(sink: &mut S, customer: &Customer, settings: &Settings) {
    let base = settings.base_country();
    let billing_country = if customer.billing.country.is_empty() { base } else { customer.billing.country.as_str() };
    let mut shipping_country =
        if customer.shipping.country.is_empty() { base } else { customer.shipping.country.as_str() };
    if settings.shipping.ship_to == ShipTo::Specific
        && !settings.shipping.countries.is_empty()
        && !settings.shipping.countries.iter().any(|c| c == shipping_country)
    {
        shipping_country = &settings.shipping.countries[0];
    }
    sink.begin_object(2);
    sink.key_lit("billing_address");
    write_address(sink, true, &customer.billing, billing_country);
    sink.key_lit("shipping_address");
    write_address(sink, false, &customer.shipping, shipping_country);
    sink.end_object();
}

/// WooCommerce's address formats (`WC_Countries::get_address_formats`) for the countries that
/// have their own; everything else uses `default`.
fn address_format(country: &str) -> &'static str {
    const POSTCODE_CITY: &str = "{company}\n{name}\n{address_1}\n{address_2}\n{postcode} {city}\n{country}";
    match country {
        "AT" | "BE" | "CH" | "CZ" | "DE" | "DK" | "EE" | "FI" | "IS" | "LI" | "NL" | "NO" | "PL" | "PT" | "SE"
        | "SI" | "SK" => POSTCODE_CITY,
        "AU" => "{name}\n{company}\n{address_1}\n{address_2}\n{city} {state} {postcode}\n{country}",
        "CA" => "{company}\n{name}\n{address_1}\n{address_2}\n{city} {state_code} {postcode}\n{country}",
        "CL" => "{company}\n{name}\n{address_1}\n{address_2}\n{state}\n{postcode} {city}\n{country}",
        "CN" => "{country} {postcode}\n{state}, {city}, {address_2}, {address_1}\n{company}\n{name}",
        "ES" => "{name}\n{company}\n{address_1}\n{address_2}\n{postcode} {city}\n{state}\n{country}",
        "FR" => "{company}\n{name}\n{address_1}\n{address_2}\n{postcode} {city_upper}\n{country}",
        "HK" => {
            "{company}\n{first_name} {last_name_upper}\n{address_1}\n{address_2}\n{city_upper}\n{state_upper}\n{country}"
        }
        "HU" => "{last_name} {first_name}\n{company}\n{city}\n{address_1}\n{address_2}\n{postcode}\n{country}",
        "IN" => "{company}\n{name}\n{address_1}\n{address_2}\n{city} {postcode}\n{state}, {country}",
        "IT" => "{company}\n{name}\n{address_1}\n{address_2}\n{postcode}\n{city}\n{state_upper}\n{country}",
        "JP" => "{postcode}\n{state} {city} {address_1}\n{address_2}\n{company}\n{last_name} {first_name}\n{country}",
        "NZ" => "{name}\n{company}\n{address_1}\n{address_2}\n{city} {postcode}\n{country}",
        "RS" => "{name}\n{company}\n{address_1}\n{address_2}\n{postcode} {city}\n{country}",
        "TR" => "{name}\n{company}\n{address_1}\n{address_2}\n{postcode} {city} {state}\n{country}",
        "TW" => "{company}\n{last_name} {first_name}\n{address_1}\n{address_2}\n{state}, {city} {postcode}\n{country}",
        "UG" => "{name}\n{company}\n{address_1}\n{address_2}\n{city}\n{state}, {country}",
        "US" => "{name}\n{company}\n{address_1}\n{address_2}\n{city}, {state_code} {postcode}\n{country}",
        "VN" => "{name}\n{company}\n{address_1}\n{city}\n{country}",
        _ => "{name}\n{company}\n{address_1}\n{address_2}\n{city}\n{state}\n{postcode}\n{country}",
    }
}

fn php_trim(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\0' | '\x0B'))
}

/// `WC_Countries::get_formatted_address($address, ', ')` for an address without a name or
/// company (a shipping package destination): the country's format, the country omitted when
/// it is the store's base country, empty lines dropped, each line trimmed of spaces and
/// commas. A guest at `US`/`CA` gives `"CA"`; a full US address
/// `"1 Infinite Loop, Cupertino, CA 95014"`. State names are not expanded (`{state}` shows the
/// code).
pub fn formatted_destination(address: &Address, settings: &Settings) -> String {
    let country = php_trim(&address.country);
    let state = php_trim(&address.state);
    let city = php_trim(&address.city);
    let postcode = php_trim(&address.postcode);
    let address_1 = php_trim(&address.address_1);
    let address_2 = php_trim(&address.address_2);
    let show_country = country != settings.base_country();
    let full_country = country_name(country).unwrap_or(country);

    let format = address_format(country);
    let mut text = String::with_capacity(format.len() + 64);
    let mut rest = format;
    while let Some(open) = rest.find('{') {
        text.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            text.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let token = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        match token {
            "name" | "name_upper" => text.push(' '),
            "first_name" | "last_name" | "company" | "first_name_upper" | "last_name_upper" | "company_upper" => {}
            "address_1" => push_esc(&mut text, address_1),
            "address_2" => push_esc(&mut text, address_2),
            "city" => push_esc(&mut text, city),
            "state" => push_esc(&mut text, state),
            "postcode" => push_esc(&mut text, postcode),
            "country" if show_country => push_esc(&mut text, full_country),
            "country" => {}
            "address_1_upper" => push_esc(&mut text, &address_1.to_uppercase()),
            "address_2_upper" => push_esc(&mut text, &address_2.to_uppercase()),
            "city_upper" => push_esc(&mut text, &city.to_uppercase()),
            "state_upper" | "state_code" => push_esc(&mut text, &state.to_uppercase()),
            "postcode_upper" => push_esc(&mut text, &postcode.to_uppercase()),
            "country_upper" if show_country => push_esc(&mut text, &full_country.to_uppercase()),
            _ => {}
        }
    }
    text.push_str(rest);

    // preg_replace('/  +/', ' ', trim(..)) then split lines, trim ", " and drop empty ones.
    let mut out = String::with_capacity(text.len());
    for line in php_trim(&text).split('\n') {
        let collapsed = collapse_spaces(line);
        let line = collapsed.trim_matches(|c| c == ',' || c == ' ');
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(line);
    }
    out
}

fn collapse_spaces(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut prev_space = false;
    for c in line.chars() {
        if c == ' ' {
            if !prev_space {
                out.push(' ');
            }
            prev_space = true;
        } else {
            out.push(c);
            prev_space = false;
        }
    }
    out
}

/// `esc_html` without double-encoding existing entities.
pub(crate) fn push_esc(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#039;",
            b'&' if !is_entity_at(&s[i..]) => "&amp;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

fn is_entity_at(s: &str) -> bool {
    let Some(end) = s[1..].find(';') else { return false };
    let body = &s[1..=end];
    let name = body.strip_prefix('#').unwrap_or(body);
    !name.is_empty() && body.len() <= 10 && name.bytes().all(|c| c.is_ascii_alphanumeric())
}

/// WooCommerce's display name of a country (`WC()->countries->countries`), for the countries
/// this table knows; `None` otherwise.
pub fn country_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "AE" => "United Arab Emirates",
        "AR" => "Argentina",
        "AT" => "Austria",
        "AU" => "Australia",
        "BE" => "Belgium",
        "BG" => "Bulgaria",
        "BR" => "Brazil",
        "CA" => "Canada",
        "CH" => "Switzerland",
        "CL" => "Chile",
        "CN" => "China",
        "CO" => "Colombia",
        "CY" => "Cyprus",
        "CZ" => "Czech Republic",
        "DE" => "Germany",
        "DK" => "Denmark",
        "DO" => "Dominican Republic",
        "EE" => "Estonia",
        "ES" => "Spain",
        "FI" => "Finland",
        "FR" => "France",
        "GB" => "United Kingdom (UK)",
        "GR" => "Greece",
        "HK" => "Hong Kong",
        "HR" => "Croatia",
        "HU" => "Hungary",
        "IE" => "Ireland",
        "IL" => "Israel",
        "IN" => "India",
        "IS" => "Iceland",
        "IT" => "Italy",
        "JP" => "Japan",
        "KR" => "South Korea",
        "LI" => "Liechtenstein",
        "LT" => "Lithuania",
        "LU" => "Luxembourg",
        "LV" => "Latvia",
        "MC" => "Monaco",
        "MT" => "Malta",
        "MX" => "Mexico",
        "NL" => "Netherlands",
        "NO" => "Norway",
        "NZ" => "New Zealand",
        "PH" => "Philippines",
        "PL" => "Poland",
        "PT" => "Portugal",
        "RO" => "Romania",
        "RS" => "Serbia",
        "SE" => "Sweden",
        "SG" => "Singapore",
        "SI" => "Slovenia",
        "SK" => "Slovakia",
        "TR" => "Turkey",
        "TW" => "Taiwan",
        "UA" => "Ukraine",
        "US" => "United States (US)",
        "VN" => "Vietnam",
        "ZA" => "South Africa",
        _ => return None,
    })
}

/// `WC_Countries::estimated_for_prefix`: `"the "` for a few countries.
pub fn estimated_for_prefix(code: &str) -> &'static str {
    if matches!(code, "AE" | "CZ" | "DO" | "GB" | "NL" | "PH" | "US" | "USAF") { "the " } else { "" }
}

/// Whether the store's base country uses "VAT" wording (`WC_Countries::tax_or_vat`): the EU VAT
/// area, Monaco and Norway.
pub fn uses_vat(base_country: &str) -> bool {
    matches!(
        base_country,
        "AT" | "BE"
            | "BG"
            | "CY"
            | "CZ"
            | "DE"
            | "DK"
            | "EE"
            | "ES"
            | "FI"
            | "FR"
            | "GR"
            | "HR"
            | "HU"
            | "IE"
            | "IT"
            | "LT"
            | "LU"
            | "LV"
            | "MT"
            | "NL"
            | "PL"
            | "PT"
            | "RO"
            | "SE"
            | "SI"
            | "SK"
            | "MC"
            | "NO"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings::default()
    }

    #[test]
    fn us_destinations() {
        let s = settings();
        let mut a = Address { country: "US".into(), state: "CA".into(), ..Address::default() };
        assert_eq!(formatted_destination(&a, &s), "CA");
        a.address_1 = "1 Infinite Loop".into();
        a.city = "Cupertino".into();
        a.postcode = "95014".into();
        assert_eq!(formatted_destination(&a, &s), "1 Infinite Loop, Cupertino, CA 95014");
        a.address_2 = "Suite 5".into();
        assert_eq!(formatted_destination(&a, &s), "1 Infinite Loop, Suite 5, Cupertino, CA 95014");
        let empty = Address::default();
        assert_eq!(formatted_destination(&empty, &s), "");
    }

    #[test]
    fn foreign_destinations() {
        let s = settings();
        let a = Address {
            country: "DE".into(),
            city: "Berlin".into(),
            postcode: "10115".into(),
            address_1: "Unter den Linden 1".into(),
            ..Address::default()
        };
        assert_eq!(formatted_destination(&a, &s), "Unter den Linden 1, 10115 Berlin, Germany");
        let gb =
            Address { country: "GB".into(), city: "London".into(), postcode: "SW1A 1AA".into(), ..Address::default() };
        assert_eq!(formatted_destination(&gb, &s), "London, SW1A 1AA, United Kingdom (UK)");
        let ca = Address { country: "CA".into(), state: "QC".into(), ..Address::default() };
        assert_eq!(formatted_destination(&ca, &s), "QC, Canada");
        let amp = Address { country: "US".into(), address_1: "A&B <x>".into(), ..Address::default() };
        assert_eq!(formatted_destination(&amp, &s), "A&amp;B &lt;x&gt;");
    }

    #[test]
    fn checkout_field_orders() {
        let s = settings();
        let c = Customer::default_for(&s);
        let v = customer(&c, &s);
        let keys: Vec<&str> = v["billing_address"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "billing_first_name",
                "billing_last_name",
                "billing_company",
                "billing_country",
                "billing_address_1",
                "billing_address_2",
                "billing_city",
                "billing_state",
                "billing_postcode",
                "billing_phone",
                "billing_email"
            ]
        );
        let mut de = c.clone();
        de.shipping.country = "DE".into();
        de.billing.country = "JP".into();
        let v = customer(&de, &s);
        let keys: Vec<&str> = v["shipping_address"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "shipping_first_name",
                "shipping_last_name",
                "shipping_company",
                "shipping_country",
                "shipping_address_1",
                "shipping_address_2",
                "shipping_postcode",
                "shipping_city",
                "shipping_state"
            ]
        );
        let keys: Vec<&str> = v["billing_address"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            &keys[..6],
            [
                "billing_last_name",
                "billing_first_name",
                "billing_company",
                "billing_country",
                "billing_postcode",
                "billing_state"
            ]
        );
        assert_eq!(&keys[9..], ["billing_phone", "billing_email"]);
    }
}
