//! The tax-rate CSV importer against WooCommerce's sample tax-rate file
//! (shared/fixtures/woocommerce-sample-tax-rates.csv, copied here).

use cartd_app::import::{ImportError, parse_tax_rates_csv};
use cartd_app::settings_file::validate_settings;
use cartd_domain::settings::{Settings, TaxRate};

const SAMPLE: &str = "\
Country Code,State Code,ZIP/Postcode,City,Rate %,Tax Name,Priority,Compound,Shipping,Tax Class
GB,*,*,*,20.0000,VAT,1,1,1,
GB,*,*,*,5.0000,VAT,1,1,1,reduced-rate
GB,*,*,*,0.0000,VAT,1,1,1,zero-rate
US,*,*,*,10.0000,US,1,1,1,
US,AL,12345; 123456,*,2.0000,US AL,2,1,1,
";

fn rate(id: u64, country: &str, rate: &str, name: &str, class: &str, order: i64) -> TaxRate {
    TaxRate {
        id,
        country: country.into(),
        state: String::new(),
        postcodes: Vec::new(),
        cities: Vec::new(),
        rate: rate.into(),
        name: name.into(),
        priority: 1,
        compound: true,
        shipping: true,
        class: class.into(),
        order,
    }
}

#[test]
fn the_sample_imports_with_sequential_ids() {
    let rates = parse_tax_rates_csv(SAMPLE.as_bytes(), 7).unwrap();
    let mut alabama = rate(11, "US", "2.0000", "US AL", "", 4);
    alabama.state = "AL".into();
    alabama.postcodes = vec!["12345".into(), "123456".into()];
    alabama.priority = 2;
    assert_eq!(
        rates,
        vec![
            rate(7, "GB", "20.0000", "VAT", "", 0),
            rate(8, "GB", "5.0000", "VAT", "reduced-rate", 1),
            rate(9, "GB", "0.0000", "VAT", "zero-rate", 2),
            rate(10, "US", "10.0000", "US", "", 3),
            alabama,
        ]
    );

    // The imported rates fit the default tax classes (Reduced rate, Zero rate).
    let mut settings = Settings::default();
    settings.tax.rates = rates.clone();
    assert_eq!(validate_settings(settings).unwrap().tax.rates, rates);
}

#[test]
fn woocommerce_normalisation() {
    let csv = "\u{feff}Country Code,State Code,ZIP/Postcode,City,Rate %,Tax Name,Priority,Compound,Shipping,Tax Class\n\
us,ca, 941* ;90210…90299;*, san francisco ; Oakland ;*,7.25,,,0,0,Reduced Rate\n\
*,*,,,10,Tax,3,no,yes,standard\n";
    let rates = parse_tax_rates_csv(csv.as_bytes(), 1).unwrap();
    let ca = &rates[0];
    assert_eq!((ca.id, ca.country.as_str(), ca.state.as_str()), (1, "US", "CA"));
    assert_eq!(ca.postcodes, vec!["941*".to_string(), "90210...90299".into()]);
    assert_eq!(ca.cities, vec!["SAN FRANCISCO".to_string(), "OAKLAND".into()]);
    assert_eq!((ca.rate.as_str(), ca.name.as_str(), ca.priority), ("7.2500", "Tax", 0));
    assert_eq!((ca.compound, ca.shipping, ca.class.as_str()), (false, false, "reduced-rate"));
    let all = &rates[1];
    assert_eq!((all.country.as_str(), all.state.as_str(), all.class.as_str()), ("", "", ""));
    assert_eq!((all.compound, all.shipping, all.priority, all.order), (false, true, 3, 1));
}

#[test]
fn errors_name_row_and_column() {
    let header = "Country Code,State Code,ZIP/Postcode,City,Rate %,Tax Name,Priority,Compound,Shipping,Tax Class\n";
    let err = |body: &str| parse_tax_rates_csv(format!("{header}{body}").as_bytes(), 1).unwrap_err();

    assert_eq!(
        err("US,*,*,*,10,Tax,1,0,1,\nGB,*,*,*,abc,VAT,1,0,1,\n").to_string(),
        "row 2 (line 3), column \"Rate %\": \"abc\" is not a number"
    );
    assert!(matches!(err("USA,*,*,*,10,Tax,1,0,1,\n"), ImportError::Row { column, .. } if column == "Country Code"));
    assert!(matches!(err("US,*,*,*,10,Tax,high,0,1,\n"), ImportError::Row { column, .. } if column == "Priority"));
    assert!(matches!(err("US,*,*,*,10,Tax,1,maybe,1,\n"), ImportError::Row { column, .. } if column == "Compound"));
    assert!(
        matches!(err("US,*,90210...,*,10,Tax,1,0,1,\n"), ImportError::Row { column, .. } if column == "ZIP/Postcode")
    );
    assert!(matches!(err("US,*,*,*,-1,Tax,1,0,1,\n"), ImportError::Row { column, .. } if column == "Rate %"));

    let short_header = parse_tax_rates_csv("Country Code,Rate %\nUS,10\n".as_bytes(), 1).unwrap_err();
    assert!(matches!(short_header, ImportError::Header { .. }), "{short_header}");
    assert!(matches!(parse_tax_rates_csv(&b""[..], 1), Err(ImportError::Header { .. })));
    assert_eq!(parse_tax_rates_csv(header.as_bytes(), 1).unwrap(), vec![]);
}
