//! The settings file: the demo store's settings, the TOML round trip, normalisation and the
//! validation messages.

use std::path::PathBuf;

use cartd_app::settings_file::{SettingsError, load_settings_toml, settings_to_toml};
use cartd_domain::settings::{
    CurrencyPosition, DefaultCustomerAddress, DiscountType, FreeShippingRequires, MethodKind, MethodTaxStatus,
    Settings, ShipTo, TaxBasedOn, TaxDisplay, TaxTotalDisplay,
};

fn demo_text() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../demo/settings.toml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn problems(text: &str) -> Vec<String> {
    match load_settings_toml(text) {
        Err(SettingsError::Invalid(problems)) => problems,
        other => panic!("expected validation problems, got {other:?}"),
    }
}

#[test]
fn the_demo_settings_load() {
    let s = load_settings_toml(&demo_text()).unwrap();

    assert_eq!(s.store.title, "cartd demo store");
    assert_eq!(s.store.home_url, "http://127.0.0.1:8080");
    assert_eq!((s.base_country(), s.base_state()), ("US", "CA"));
    assert_eq!((s.store.address.city.as_str(), s.store.address.postcode.as_str()), ("San Francisco", "94103"));
    assert_eq!((s.currency.code.as_str(), s.currency.symbol.as_str()), ("USD", "$"));
    assert_eq!((s.currency.position, s.currency.decimals), (CurrencyPosition::Left, 2));
    assert_eq!((s.units.weight.as_str(), s.units.dimension.as_str()), ("lbs", "in"));
    assert_eq!(s.customer.default_address, DefaultCustomerAddress::Base);
    assert_eq!(s.placeholder_image, "http://127.0.0.1:8080/wp-content/uploads/woocommerce-placeholder.png");

    assert!(s.tax.enabled && !s.tax.prices_include_tax && !s.tax.round_at_subtotal);
    assert_eq!(
        (s.tax.based_on, s.tax.display_cart, s.tax.total_display),
        (TaxBasedOn::Shipping, TaxDisplay::Excl, TaxTotalDisplay::Itemized)
    );
    assert_eq!(s.tax.rates.len(), 1);
    let rate = &s.tax.rates[0];
    assert_eq!((rate.id, rate.country.as_str(), rate.state.as_str()), (1, "US", ""));
    assert_eq!((rate.rate.as_str(), rate.name.as_str(), rate.priority), ("10.0000", "Tax", 1));
    assert!(rate.shipping && !rate.compound && rate.class.is_empty());

    assert_eq!(s.shipping.ship_to, ShipTo::All);
    let zones: Vec<(u64, &str, Vec<String>)> =
        s.shipping.zones.iter().map(|z| (z.id, z.name.as_str(), z.countries.clone())).collect();
    assert_eq!(
        zones,
        vec![
            (1, "United States", vec!["US".to_string()]),
            (2, "Canada", vec!["CA".to_string()]),
            (0, "Everywhere else", vec![])
        ]
    );
    let us = &s.shipping.zones[0].methods[0];
    assert_eq!(
        (us.rate_id(), us.title(), us.cost.as_str(), us.tax_status),
        ("flat_rate:1".to_string(), "Flat rate", "20", MethodTaxStatus::Taxable)
    );
    let ca = &s.shipping.zones[1].methods[0];
    assert_eq!(
        (ca.method, ca.requires, ca.rate_id()),
        (MethodKind::FreeShipping, FreeShippingRequires::None, "free_shipping:2".to_string())
    );
    let rest = &s.shipping.zones[2].methods[0];
    assert_eq!((rest.rate_id(), rest.cost.as_str()), ("flat_rate:3".to_string(), "35"));

    let coupons: Vec<(&str, DiscountType, &str)> =
        s.coupons.list.iter().map(|c| (c.code.as_str(), c.discount_type, c.amount.as_str())).collect();
    assert_eq!(coupons, vec![("get10offcart", DiscountType::Percent, "10"), ("flat5", DiscountType::FixedCart, "5")]);
}

#[test]
fn settings_round_trip_through_toml() {
    let demo = load_settings_toml(&demo_text()).unwrap();
    let text = settings_to_toml(&demo);
    assert_eq!(load_settings_toml(&text).unwrap(), demo, "{text}");

    let defaults = Settings::default();
    assert_eq!(load_settings_toml(&settings_to_toml(&defaults)).unwrap(), defaults);
}

#[test]
fn an_empty_file_is_woocommerce_defaults() {
    assert_eq!(load_settings_toml("").unwrap(), Settings::default());
}

#[test]
fn values_are_normalised_like_woocommerce_stores_them() {
    let s = load_settings_toml(
        r#"
        [store]
        home_url = "https://shop.example.com/"
        [store.address]
        country = "gb"
        [currency]
        code = "eur"
        [tax]
        shipping_tax_class = "Reduced rate"
        [[tax.rates]]
        id = 4
        country = "*"
        state = "ca"
        postcodes = [" sw1a 1aa ", "*", "90210…90299"]
        cities = [" london ", ""]
        rate = "7.25"
        name = ""
        class = "Zero Rate"
        [[shipping.zones]]
        id = 3
        name = "Europe"
        continents = ["eu"]
        states = ["us:ca"]
        [[coupons.list]]
        code = " FLAT5 "
        amount = "5"
        email_restrictions = ["Bob@Example.com"]
        "#,
    )
    .unwrap();
    assert_eq!(s.store.home_url, "https://shop.example.com");
    assert_eq!(s.store.address.country, "GB");
    assert_eq!(s.currency.code, "EUR");
    assert_eq!(s.tax.shipping_tax_class, "reduced-rate");
    let r = &s.tax.rates[0];
    assert_eq!((r.country.as_str(), r.state.as_str()), ("", "CA"));
    assert_eq!(r.postcodes, vec!["SW1A 1AA".to_string(), "90210...90299".into()]);
    assert_eq!(r.cities, vec!["LONDON".to_string()]);
    assert_eq!((r.rate.as_str(), r.name.as_str(), r.class.as_str()), ("7.2500", "Tax", "zero-rate"));
    assert_eq!(s.shipping.zones[0].continents, vec!["EU".to_string()]);
    assert_eq!(s.shipping.zones[0].states, vec!["US:CA".to_string()]);
    assert_eq!(s.coupons.list[0].code, "flat5");
    assert_eq!(s.coupons.list[0].email_restrictions, vec!["bob@example.com".to_string()]);
}

#[test]
fn shape_errors_come_from_toml_with_their_line() {
    let bad_position = load_settings_toml("[currency]\nposition = \"middle\"\n").unwrap_err();
    let message = bad_position.to_string();
    assert!(matches!(bad_position, SettingsError::Parse(_)));
    assert!(message.contains("middle") && message.contains("left_space") && message.contains("line 2"), "{message}");

    let unknown = load_settings_toml("[currency]\nsymbol_position = \"left\"\n").unwrap_err().to_string();
    assert!(unknown.contains("symbol_position"), "{unknown}");

    let not_toml = load_settings_toml("[tax\n").unwrap_err();
    assert!(matches!(not_toml, SettingsError::Parse(_)));
}

#[test]
fn inconsistent_settings_list_every_problem() {
    let found = problems(
        r#"
        [currency]
        code = "dollars"
        [units]
        weight = "stone"
        [tax]
        shipping_tax_class = "luxury"
        [[tax.rates]]
        id = 1
        rate = "10"
        [[tax.rates]]
        id = 1
        rate = "ten"
        class = "luxury"
        [[tax.rates]]
        id = 2
        country = "USA"
        postcodes = ["99999...10000"]
        [shipping]
        classes = ["Heavy items"]
        [[shipping.zones]]
        id = 1
        name = "A"
        countries = ["US"]
        [[shipping.zones.methods]]
        instance_id = 1
        method = "flat_rate"
        cost = "5"
        class_costs = { bulky = "10" }
        [[shipping.zones]]
        id = 1
        name = "B"
        postcodes = ["1...2...3"]
        [[shipping.zones.methods]]
        instance_id = 1
        method = "local_pickup"
        cost = "free"
        [[shipping.zones]]
        id = 0
        name = "Rest"
        countries = ["CA"]
        [[coupons.list]]
        code = "x"
        discount_type = "percent"
        amount = "150"
        [[coupons.list]]
        code = "X"
        amount = "abc"
        "#,
    );
    let expected = [
        "currency.code: \"DOLLARS\" is not a three-letter ISO 4217 code",
        "units.weight: \"stone\" is not one of kg, g, lbs, oz",
        "tax.shipping_tax_class: unknown tax class \"luxury\"",
        "tax.rates #2 (id 1): id 1 is also used by tax.rates #1",
        "tax.rates #2 (id 1): rate \"ten\" is not a percentage",
        "tax.rates #2 (id 1): unknown tax class \"luxury\"; the classes are \"\" (standard), \"reduced-rate\", \"zero-rate\"",
        "tax.rates #3 (id 2): country \"USA\" is not a two-letter code",
        "tax.rates #3 (id 2): postcode range \"99999...10000\" has its bounds the wrong way round",
        "shipping.classes: \"Heavy items\" is not a slug (write \"heavy-items\"",
        "shipping.zones #1 (id 1), methods #1 (instance 1): class_costs names \"bulky\", which is not in shipping.classes",
        "shipping.zones #2 (id 1): id 1 is also used by shipping.zones #1",
        "shipping.zones #2 (id 1): postcode range \"1...2...3\" must be written min...max",
        "shipping.zones #2 (id 1), methods #1 (instance 1): instance_id 1 is also used in zone 1",
        "shipping.zones #2 (id 1), methods #1 (instance 1): cost \"free\" is not an amount",
        "shipping.zones #3 (id 0): zone 0 covers the locations no other zone covers",
        "coupons.list #1 (\"x\"): a percent coupon cannot take more than 100",
        "coupons.list #2 (\"x\"): code is also used by coupons.list #1",
        "coupons.list #2 (\"x\"): amount \"abc\" is not a number",
    ];
    for e in expected {
        assert!(found.iter().any(|p| p.starts_with(e)), "missing {e:?} in:\n{}", found.join("\n"));
    }
    assert_eq!(found.len(), expected.len(), "{}", found.join("\n"));

    let message = SettingsError::Invalid(found).to_string();
    assert!(message.starts_with("invalid settings:\n  - currency.code"), "{message}");
}

#[test]
fn base_address_and_urls_are_checked() {
    let found = problems(
        "[store]\nhome_url = \"127.0.0.1:8080\"\ngmt_offset = \"UTC+1\"\n[store.address]\ncountry = \"United States\"\n",
    );
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[0].starts_with("store.home_url"));
    assert!(found[1].starts_with("store.gmt_offset"));
    assert!(found[2].starts_with("store.address.country"));
}

#[test]
fn the_documented_example_loads() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let section = doc.find("## Store settings").expect("the settings section");
    let start = section + doc[section..].find("```toml\n").expect("a toml example") + "```toml\n".len();
    let end = start + doc[start..].find("```").expect("end of the example");
    let s = load_settings_toml(&doc[start..end]).unwrap();

    assert_eq!(s.tax.rates[1].rate, "0.5000");
    assert_eq!(s.tax.rates[1].class, "reduced-rate");
    let flat = &s.shipping.zones[0].methods[0];
    assert_eq!(flat.class_costs.get("heavy-items").map(String::as_str), Some("10"));
    assert_eq!(s.shipping.zones[0].methods[1].method, MethodKind::LocalPickup);
    assert_eq!(s.coupons.list[1].date_expires, Some(1_893_456_000));
    assert_eq!(s.coupons.list[1].limit_usage_to_x_items, Some(1));
    let alice = &s.users[0];
    assert_eq!((alice.id, alice.login.as_str(), alice.role.as_str()), (2, "alice", "customer"));
    assert_eq!((alice.billing.state.as_str(), alice.shipping.postcode.as_str()), ("CA", "94103"));

    // The example and the demo store describe the same store, apart from the extras the
    // example adds to show every key.
    let demo = load_settings_toml(&demo_text()).unwrap();
    assert_eq!((&s.store, &s.currency, &s.units), (&demo.store, &demo.currency, &demo.units));
    assert_eq!(s.tax.rates[0], demo.tax.rates[0]);
}

const PHPASS_OF_TEST: &str = "$P$BcartdtstgBDRpB8YRc4XtcedoCVmz/";

#[test]
fn users_load_with_defaults_and_partial_addresses() {
    let s = load_settings_toml(&format!(
        r#"
        [[users]]
        id = 7
        login = " alice "
        email = "Alice@Example.com"
        password_hash = "{PHPASS_OF_TEST}"
        [users.billing]
        first_name = "Alice"
        country = "us"
        state = "ca"

        [[users]]
        id = 1
        login = "boss"
        email = "boss@example.com"
        display_name = "The Boss"
        role = " Administrator "
        password_hash = "$argon2id$v=19$m=32768,t=2,p=1$c2FsdA$aGFzaA"
        "#
    ))
    .unwrap();
    assert_eq!(s.users.len(), 2);
    let alice = &s.users[0];
    assert_eq!((alice.id, alice.login.as_str(), alice.email.as_str()), (7, "alice", "Alice@Example.com"));
    assert_eq!((alice.display_name.as_str(), alice.role.as_str()), ("alice", "customer"), "defaults");
    assert_eq!((alice.billing.first_name.as_str(), alice.billing.country.as_str()), ("Alice", "US"));
    assert_eq!((alice.billing.state.as_str(), alice.billing.city.as_str()), ("CA", ""));
    assert_eq!(alice.shipping, Default::default());
    let boss = &s.users[1];
    assert_eq!((boss.display_name.as_str(), boss.role.as_str()), ("The Boss", "administrator"));

    assert_eq!(load_settings_toml(&settings_to_toml(&s)).unwrap(), s, "users round-trip through TOML");
    assert!(!settings_to_toml(&Settings::default()).contains("users"), "no users, no users key");
}

#[test]
fn user_entries_are_checked() {
    let found = problems(&format!(
        r#"
        [[users]]
        id = 1
        login = "alice"
        email = "alice@example.com"
        password_hash = "{PHPASS_OF_TEST}"

        [[users]]
        id = 1
        login = "ALICE"
        email = "ALICE@example.com"
        role = "editor"
        password_hash = "correct horse battery staple"

        [[users]]
        login = "bad login!"
        email = "not-an-email"
        [users.shipping]
        country = "United States"
        "#
    ));
    let expected = [
        "users #2 (id 1): id 1 is also used by users #1",
        "users #2 (id 1): the role \"editor\" is not one of administrator, shop_manager, customer",
        "users #2 (id 1): password_hash looks like a plain password",
        "users #2 (id 1): login \"ALICE\" is also used by users #1 (logins ignore case)",
        "users #2 (id 1): email \"ALICE@example.com\" is also used by users #1 (e-mails ignore case)",
        "users #3 (id 0): id must be between 1 and",
        "users #3 (id 0): the login \"bad login!\" may only contain",
        "users #3 (id 0): \"not-an-email\" is not a valid e-mail address",
        "users #3 (id 0): password_hash must not be empty",
        "users #3 (id 0): shipping.country \"UNITED STATES\" is not a two-letter country code",
    ];
    for (found, expected) in found.iter().zip(expected) {
        assert!(found.starts_with(expected), "expected {expected:?}, found {found:?}");
    }
    assert_eq!(found.len(), expected.len(), "{}", found.join("\n"));
    assert!(!found.iter().any(|p| p.contains("horse")), "a pasted password is never echoed: {found:?}");

    let unknown = load_settings_toml("[[users]]\nid = 1\npassword = \"x\"\n").unwrap_err().to_string();
    assert!(unknown.contains("password"), "unknown user keys are refused: {unknown}");
    let unknown = load_settings_toml("[[users]]\nid = 1\n[users.billing]\nzip = \"1\"\n").unwrap_err().to_string();
    assert!(unknown.contains("zip"), "unknown address keys are refused: {unknown}");
}
