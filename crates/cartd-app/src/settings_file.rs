//! The store settings file: TOML in the shape of [`Settings`] (every field optional, with
//! WooCommerce's defaults; unknown keys refused), normalised the way WooCommerce stores the
//! same options (upper-case country codes, four-decimal tax rates, lower-case coupon codes,
//! no trailing slash on the home URL) and checked for the mistakes that would otherwise
//! surface as wrong totals: duplicate IDs, unknown tax or shipping classes, bad numbers,
//! unusable postcode ranges; and the `[[users]]` entries (ids, unique logins and e-mails,
//! roles, password hashes rather than passwords). The field reference is the README's
//! "Store settings" section.

use std::collections::{HashMap, HashSet};
use std::fmt;

use cartd_domain::settings::{DiscountType, FreeShippingRequires, MethodKind, Settings, ShipTo};

use crate::import::sanitize_title;
use crate::import::wc_values as wc;
use crate::users;

/// Why a settings file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsError {
    /// Not TOML, or TOML that does not fit the settings shape: an unknown key, a wrong type,
    /// an unknown value for a choice such as `currency.position`. The message carries the line.
    Parse(String),
    /// Well-formed, but inconsistent: every problem found, one per entry.
    Invalid(Vec<String>),
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingsError::Parse(message) => write!(f, "settings file: {}", message.trim_end()),
            SettingsError::Invalid(problems) => {
                write!(f, "invalid settings:")?;
                for p in problems {
                    write!(f, "\n  - {p}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for SettingsError {}

/// Read a settings file: TOML → [`Settings`], then [`validate_settings`].
pub fn load_settings_toml(text: &str) -> Result<Settings, SettingsError> {
    let settings: Settings = toml::from_str(text).map_err(|e| SettingsError::Parse(e.to_string()))?;
    validate_settings(settings)
}

/// The settings as a TOML document that [`load_settings_toml`] reads back unchanged.
///
/// # Panics
/// Only for settings that [`validate_settings`] refuses: an ID above `i64::MAX` has no TOML
/// form.
pub fn settings_to_toml(settings: &Settings) -> String {
    toml::to_string_pretty(settings).expect("validated settings always have a TOML form")
}

/// Normalise settings the way WooCommerce stores them and check them; returns every problem
/// at once. Use it for settings built in code (tax rates from a CSV import, for instance).
pub fn validate_settings(mut s: Settings) -> Result<Settings, SettingsError> {
    let mut problems: Vec<String> = Vec::new();
    let mut problem = |p: String| problems.push(p);

    // Store identity.
    let home = s.store.home_url.trim().trim_end_matches('/').to_string();
    if !(home.starts_with("http://") || home.starts_with("https://")) || home.len() <= "https://".len() {
        problem(format!("store.home_url: \"{}\" must be an http:// or https:// URL", s.store.home_url));
    }
    s.store.home_url = home;
    if wc::parse_number(&s.store.gmt_offset).is_err() {
        problem(format!(
            "store.gmt_offset: \"{}\" is not a number of hours (\"0\", \"-5\", \"5.5\")",
            s.store.gmt_offset
        ));
    }
    if s.store.timezone.chars().any(char::is_whitespace) {
        problem(format!("store.timezone: \"{}\" is not an IANA zone name such as \"Europe/Paris\"", s.store.timezone));
    }
    s.store.address.country = s.store.address.country.trim().to_uppercase();
    let base = &s.store.address.country;
    let (cc, st) = base.split_once(':').unwrap_or((base, ""));
    if !is_country(cc) || (base.contains(':') && !is_state(st)) {
        problem(format!(
            "store.address.country: \"{base}\" must be a country code, optionally with a state (\"US\", \"US:CA\")"
        ));
    }

    // Currency and units.
    s.currency.code = s.currency.code.trim().to_uppercase();
    if s.currency.code.len() != 3 || !s.currency.code.bytes().all(|b| b.is_ascii_uppercase()) {
        problem(format!("currency.code: \"{}\" is not a three-letter ISO 4217 code", s.currency.code));
    }
    if s.currency.decimal_separator.is_empty() {
        problem("currency.decimal_separator must not be empty".into());
    }
    if s.currency.decimals > 8 {
        problem(format!("currency.decimals: {} is more than 8", s.currency.decimals));
    }
    s.units.weight = s.units.weight.trim().to_lowercase();
    if !["kg", "g", "lbs", "oz"].contains(&s.units.weight.as_str()) {
        problem(format!("units.weight: \"{}\" is not one of kg, g, lbs, oz", s.units.weight));
    }
    s.units.dimension = s.units.dimension.trim().to_lowercase();
    if !["m", "cm", "mm", "in", "yd"].contains(&s.units.dimension.as_str()) {
        problem(format!("units.dimension: \"{}\" is not one of m, cm, mm, in, yd", s.units.dimension));
    }
    if s.placeholder_image.trim().is_empty() {
        problem("placeholder_image must not be empty".into());
    }

    // Tax classes and rates.
    let mut class_slugs: Vec<String> = Vec::new();
    for name in &s.tax.classes {
        let slug = sanitize_title(name);
        if slug.is_empty() || slug == "standard" {
            problem(format!("tax.classes: \"{name}\" cannot be a class name (the standard class always exists)"));
        } else if class_slugs.contains(&slug) {
            problem(format!("tax.classes: \"{name}\" is listed twice (slug \"{slug}\")"));
        } else {
            class_slugs.push(slug);
        }
    }
    let known_classes = || {
        let mut list = vec!["\"\" (standard)".to_string()];
        list.extend(class_slugs.iter().map(|c| format!("\"{c}\"")));
        list.join(", ")
    };
    let shipping_class = s.tax.shipping_tax_class.trim();
    s.tax.shipping_tax_class = match shipping_class {
        "inherit" | "" => shipping_class.to_string(),
        other => {
            let slug = sanitize_title(other);
            if slug == "standard" {
                String::new()
            } else {
                if !class_slugs.contains(&slug) {
                    problem(format!(
                        "tax.shipping_tax_class: unknown tax class \"{other}\"; use \"inherit\" or one of {}",
                        known_classes()
                    ));
                }
                slug
            }
        }
    };
    let mut rate_ids: HashMap<u64, usize> = HashMap::new();
    for (i, rate) in s.tax.rates.iter_mut().enumerate() {
        let at = format!("tax.rates #{} (id {})", i + 1, rate.id);
        if rate.id == 0 || rate.id > i64::MAX as u64 {
            problem(format!("{at}: id must be between 1 and {}", i64::MAX));
        } else if let Some(first) = rate_ids.insert(rate.id, i) {
            problem(format!("{at}: id {} is also used by tax.rates #{}", rate.id, first + 1));
        }
        rate.country = location(&rate.country);
        if !rate.country.is_empty() && !is_country(&rate.country) {
            problem(format!("{at}: country \"{}\" is not a two-letter code (or \"\" for all)", rate.country));
        }
        rate.state = location(&rate.state);
        if !rate.state.is_empty() && !is_state(&rate.state) {
            problem(format!("{at}: state \"{}\" is not a state code (or \"\" for all)", rate.state));
        }
        normalize_postcodes(&mut rate.postcodes, &at, &mut problem);
        rate.cities = dedup(rate.cities.iter().map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty() && c != "*"));
        match wc::parse_number(&rate.rate) {
            Ok(v) if v >= 0.0 => rate.rate = wc::round_decimal(v, 4),
            _ => problem(format!("{at}: rate \"{}\" is not a percentage (\"10\", \"7.25\")", rate.rate)),
        }
        rate.name = rate.name.trim().to_string();
        if rate.name.is_empty() {
            rate.name = "Tax".into();
        }
        let class = sanitize_title(&rate.class);
        rate.class = if class == "standard" { String::new() } else { class };
        if !rate.class.is_empty() && !class_slugs.contains(&rate.class) {
            problem(format!("{at}: unknown tax class \"{}\"; the classes are {}", rate.class, known_classes()));
        }
    }

    // Shipping.
    s.shipping.countries = dedup(s.shipping.countries.iter().map(|c| c.trim().to_uppercase()));
    for c in &s.shipping.countries {
        if !is_country(c) {
            problem(format!("shipping.countries: \"{c}\" is not a two-letter country code"));
        }
    }
    if s.shipping.ship_to == ShipTo::Specific && s.shipping.countries.is_empty() {
        problem("shipping.countries: ship_to = \"specific\" needs at least one country".into());
    }
    let mut shipping_classes: HashSet<&str> = HashSet::new();
    for c in &s.shipping.classes {
        if c.is_empty() || sanitize_title(c) != *c {
            problem(format!(
                "shipping.classes: \"{c}\" is not a slug (write \"{}\"; products refer to classes by slug)",
                sanitize_title(c)
            ));
        } else if !shipping_classes.insert(c) {
            problem(format!("shipping.classes: \"{c}\" is listed twice"));
        }
    }
    let mut zone_ids: HashMap<u64, usize> = HashMap::new();
    let mut instances: HashMap<u64, u64> = HashMap::new();
    for (i, zone) in s.shipping.zones.iter_mut().enumerate() {
        let at = format!("shipping.zones #{} (id {})", i + 1, zone.id);
        if zone.id > i64::MAX as u64 {
            problem(format!("{at}: id must be at most {}", i64::MAX));
        }
        if let Some(first) = zone_ids.insert(zone.id, i) {
            problem(format!("{at}: id {} is also used by shipping.zones #{}", zone.id, first + 1));
        }
        zone.name = zone.name.trim().to_string();
        if zone.name.is_empty() {
            problem(format!("{at}: name must not be empty"));
        }
        zone.countries = dedup(zone.countries.iter().map(|c| c.trim().to_uppercase()));
        for c in &zone.countries {
            if !is_country(c) {
                problem(format!("{at}: country \"{c}\" is not a two-letter code"));
            }
        }
        zone.states = dedup(zone.states.iter().map(|c| c.trim().to_uppercase()));
        for st in &zone.states {
            let ok = st.split_once(':').is_some_and(|(c, s)| is_country(c) && is_state(s));
            if !ok {
                problem(format!("{at}: state \"{st}\" must be written COUNTRY:STATE (\"US:CA\")"));
            }
        }
        zone.continents = dedup(zone.continents.iter().map(|c| c.trim().to_uppercase()));
        for c in &zone.continents {
            if !["AF", "AN", "AS", "EU", "NA", "OC", "SA"].contains(&c.as_str()) {
                problem(format!("{at}: continent \"{c}\" is not one of AF, AN, AS, EU, NA, OC, SA"));
            }
        }
        normalize_postcodes(&mut zone.postcodes, &at, &mut problem);
        let has_regions = !(zone.countries.is_empty()
            && zone.states.is_empty()
            && zone.continents.is_empty()
            && zone.postcodes.is_empty());
        if zone.id == 0 && has_regions {
            problem(format!("{at}: zone 0 covers the locations no other zone covers and cannot list regions"));
        }
        for (j, method) in zone.methods.iter_mut().enumerate() {
            let at = format!("{at}, methods #{} (instance {})", j + 1, method.instance_id);
            if method.instance_id == 0 || method.instance_id > i64::MAX as u64 {
                problem(format!("{at}: instance_id must be between 1 and {}", i64::MAX));
            } else if let Some(other_zone) = instances.insert(method.instance_id, zone.id) {
                problem(format!(
                    "{at}: instance_id {} is also used in zone {other_zone}; instance ids are unique across zones",
                    method.instance_id
                ));
            }
            match method.method {
                MethodKind::FlatRate => {
                    for class in method.class_costs.keys() {
                        if !shipping_classes.contains(class.as_str()) {
                            problem(format!("{at}: class_costs names \"{class}\", which is not in shipping.classes"));
                        }
                    }
                }
                MethodKind::FreeShipping => {
                    let needs_min = matches!(
                        method.requires,
                        FreeShippingRequires::MinAmount | FreeShippingRequires::Either | FreeShippingRequires::Both
                    );
                    let min = method.min_amount.trim();
                    if (!min.is_empty() || needs_min) && !wc::parse_number(min).is_ok_and(|v| v >= 0.0) {
                        problem(format!("{at}: min_amount \"{}\" is not an amount", method.min_amount));
                    }
                }
                MethodKind::LocalPickup => {
                    let cost = method.cost.trim();
                    if !cost.is_empty() && !wc::parse_number(cost).is_ok_and(|v| v >= 0.0) {
                        problem(format!(
                            "{at}: cost \"{}\" is not an amount (local pickup takes no formula)",
                            method.cost
                        ));
                    }
                }
            }
        }
    }

    // Coupons.
    let mut codes: HashMap<String, usize> = HashMap::new();
    for (i, coupon) in s.coupons.list.iter_mut().enumerate() {
        coupon.code = coupon.code.trim().to_lowercase();
        let at = format!("coupons.list #{} (\"{}\")", i + 1, coupon.code);
        if coupon.code.is_empty() {
            problem(format!("{at}: code must not be empty"));
        } else if let Some(first) = codes.insert(coupon.code.clone(), i) {
            problem(format!("{at}: code is also used by coupons.list #{}", first + 1));
        }
        match wc::parse_number(&coupon.amount) {
            Ok(v) if v < 0.0 => problem(format!("{at}: amount must not be negative")),
            Ok(v) if v > 100.0 && coupon.discount_type == DiscountType::Percent => {
                problem(format!("{at}: a percent coupon cannot take more than 100"))
            }
            Ok(_) => coupon.amount = coupon.amount.trim().to_string(),
            Err(_) => problem(format!("{at}: amount \"{}\" is not a number", coupon.amount)),
        }
        for (field, value) in
            [("minimum_amount", &mut coupon.minimum_amount), ("maximum_amount", &mut coupon.maximum_amount)]
        {
            *value = value.trim().to_string();
            if !value.is_empty() && !wc::parse_number(value).is_ok_and(|v| v >= 0.0) {
                problem(format!("{at}: {field} \"{value}\" is not an amount"));
            }
        }
        coupon.email_restrictions =
            dedup(coupon.email_restrictions.iter().map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty()));
    }

    // Users.
    let mut user_ids: HashMap<u64, usize> = HashMap::new();
    let mut logins: HashMap<String, usize> = HashMap::new();
    let mut emails: HashMap<String, usize> = HashMap::new();
    for (i, user) in s.users.iter_mut().enumerate() {
        user.login = user.login.trim().to_string();
        user.email = user.email.trim().to_string();
        user.display_name = user.display_name.trim().to_string();
        if user.display_name.is_empty() {
            user.display_name = user.login.clone();
        }
        user.role = user.role.trim().to_lowercase();
        user.password_hash = user.password_hash.trim().to_string();
        let at = format!("users #{} (id {})", i + 1, user.id);
        if user.id == 0 || user.id > i64::MAX as u64 {
            problem(format!("{at}: id must be between 1 and {} (a customer's cart key is their id)", i64::MAX));
        } else if let Some(first) = user_ids.insert(user.id, i) {
            problem(format!("{at}: id {} is also used by users #{}", user.id, first + 1));
        }
        for check in [
            users::check_login(&user.login),
            users::check_email(&user.email),
            users::check_role(&user.role),
            users::check_password_hash(&user.password_hash),
        ] {
            if let Err(reason) = check {
                problem(format!("{at}: {reason}"));
            }
        }
        if !user.login.is_empty()
            && let Some(first) = logins.insert(user.login.to_ascii_lowercase(), i)
        {
            problem(format!(
                "{at}: login \"{}\" is also used by users #{} (logins ignore case)",
                user.login,
                first + 1
            ));
        }
        if !user.email.is_empty()
            && let Some(first) = emails.insert(user.email.to_ascii_lowercase(), i)
        {
            problem(format!(
                "{at}: email \"{}\" is also used by users #{} (e-mails ignore case)",
                user.email,
                first + 1
            ));
        }
        for (which, address) in [("billing", &mut user.billing), ("shipping", &mut user.shipping)] {
            address.country = address.country.trim().to_uppercase();
            address.state = address.state.trim().to_uppercase();
            address.email = address.email.trim().to_string();
            if !address.country.is_empty() && !is_country(&address.country) {
                problem(format!("{at}: {which}.country \"{}\" is not a two-letter country code", address.country));
            }
            if !address.state.is_empty() && !is_state(&address.state) {
                problem(format!("{at}: {which}.state \"{}\" is not a state code", address.state));
            }
            if !address.email.is_empty()
                && let Err(reason) = users::check_email(&address.email)
            {
                problem(format!("{at}: {which}.email: {reason}"));
            }
        }
    }

    if problems.is_empty() { Ok(s) } else { Err(SettingsError::Invalid(problems)) }
}

fn is_country(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

fn is_state(code: &str) -> bool {
    !code.is_empty() && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// A tax-rate country or state: trimmed, upper-cased, `*` meaning "all" stored as `""`.
fn location(value: &str) -> String {
    let v = value.trim().to_uppercase();
    if v == "*" { String::new() } else { v }
}

fn normalize_postcodes(postcodes: &mut Vec<String>, at: &str, problem: &mut impl FnMut(String)) {
    *postcodes = dedup(postcodes.iter().map(|p| wc::normalize_postcode(p)).filter(|p| !p.is_empty() && p != "*"));
    for p in postcodes.iter() {
        if let Some(reason) = wc::postcode_problem(p) {
            problem(format!("{at}: {reason}"));
        }
    }
}

fn dedup(values: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}
