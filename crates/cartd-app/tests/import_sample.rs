//! The product CSV importer against WooCommerce's own sample export (demo/ copy of
//! shared/fixtures/woocommerce-sample-products.csv), plus edited variants of it.

use std::collections::HashMap;
use std::path::PathBuf;

use cartd_app::import::{ImportError, parse_products_csv, sanitize_title};
use cartd_domain::catalog::{
    Attribute, AttributeOption, Backorders, Catalog, PostStatus, Product, ProductType, StockStatus, TaxStatus,
};
use indexmap::IndexMap;

fn sample_bytes() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../demo/woocommerce-sample-products.csv");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse(bytes: &[u8], existing: &Catalog) -> Result<Vec<Product>, ImportError> {
    parse_products_csv(bytes, existing, &mut |_| {})
}

fn by_id(products: &[Product]) -> HashMap<u64, &Product> {
    products.iter().map(|p| (p.id, p)).collect()
}

/// The sample as a header and rows of strings, for editing.
fn sample_table() -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = sample_bytes();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(&bytes[..]);
    let mut records = reader.records().map(|r| r.unwrap().iter().map(String::from).collect::<Vec<_>>());
    let mut header = records.next().unwrap();
    header[0] = header[0].trim_start_matches('\u{feff}').to_string();
    (header, records.collect())
}

fn write_table(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    writer.into_inner().unwrap()
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
}

fn map(pairs: &[(&str, &str)]) -> IndexMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn option(slug: &str, name: &str) -> AttributeOption {
    AttributeOption { slug: slug.into(), name: name.into() }
}

#[test]
fn the_sample_imports_completely() {
    let mut calls = Vec::new();
    let products = parse_products_csv(&sample_bytes()[..], &Catalog::default(), &mut |n| calls.push(n)).unwrap();
    assert_eq!(calls, vec![25], "progress at the end");

    assert_eq!(products.len(), 25);
    let count = |t: ProductType| products.iter().filter(|p| p.product_type == t).count();
    assert_eq!(count(ProductType::Simple), 14);
    assert_eq!(count(ProductType::Variable), 2);
    assert_eq!(count(ProductType::Variation), 7);
    assert_eq!(count(ProductType::Grouped), 1);
    assert_eq!(count(ProductType::External), 1);
    let ids: Vec<u64> = products.iter().map(|p| p.id).collect();
    assert_eq!(
        ids,
        [44, 45, 46, 47, 48, 58, 60, 62, 64, 66, 68, 70, 73, 75, 76, 77, 78, 79, 80, 81, 83, 85, 87, 89, 90]
    );
    assert!(products.iter().all(|p| p.status == PostStatus::Publish));
    let p = by_id(&products);

    // V-Neck T-Shirt: global Color and Size, both used by its variations.
    let vneck = p[&44];
    assert_eq!(vneck.product_type, ProductType::Variable);
    assert_eq!((vneck.slug.as_str(), vneck.sku.as_str()), ("v-neck-t-shirt", "woo-vneck-tee"));
    assert!(vneck.featured);
    assert_eq!(vneck.categories, vec![vec!["Clothing".to_string(), "Tshirts".to_string()]]);
    assert_eq!(vneck.images.len(), 3);
    assert_eq!(
        vneck.attributes,
        vec![
            Attribute {
                label: "Color".into(),
                slug: "pa_color".into(),
                taxonomy: true,
                options: vec![option("blue", "Blue"), option("green", "Green"), option("red", "Red")],
                visible: true,
                used_for_variations: true,
            },
            Attribute {
                label: "Size".into(),
                slug: "pa_size".into(),
                taxonomy: true,
                options: vec![option("large", "Large"), option("medium", "Medium"), option("small", "Small")],
                visible: true,
                used_for_variations: true,
            },
        ]
    );
    // Its variations fix the colour and leave the size open ("any").
    for (id, color, price) in [(76, "red", "20"), (77, "green", "20"), (78, "blue", "15")] {
        let v = p[&id];
        assert_eq!(v.product_type, ProductType::Variation);
        assert_eq!(v.parent_id, 44);
        assert_eq!(v.variation_attributes, map(&[("attribute_pa_color", color), ("attribute_pa_size", "")]), "{id}");
        assert_eq!(v.regular_price, price);
        assert!(v.attributes.is_empty() && v.categories.is_empty());
    }

    // Hoodie: global Color, custom Logo (values stored as entered).
    let hoodie = p[&45];
    assert_eq!(hoodie.attributes[1].slug, "logo");
    assert!(!hoodie.attributes[1].taxonomy);
    assert_eq!(hoodie.attributes[1].options, vec![option("Yes", "Yes"), option("No", "No")]);
    assert!(hoodie.attributes.iter().all(|a| a.used_for_variations));
    for (id, color, logo, order) in
        [(79, "red", "No", 1), (80, "green", "No", 2), (81, "blue", "No", 3), (90, "blue", "Yes", 0)]
    {
        let v = p[&id];
        assert_eq!(v.parent_id, 45);
        assert_eq!(v.variation_attributes, map(&[("attribute_pa_color", color), ("attribute_logo", logo)]), "{id}");
        assert_eq!(v.menu_order, order);
    }
    assert_eq!((p[&79].regular_price.as_str(), p[&79].sale_price.as_str()), ("45", "42"));

    // Simple products: attributes not used for variations, prices, sale prices, weights.
    assert!(!p[&46].attributes[0].used_for_variations);
    assert_eq!(p[&46].attributes[0].options, vec![option("blue", "Blue")]);
    assert_eq!((p[&48].regular_price.as_str(), p[&48].sale_price.as_str()), ("20", "18"));
    assert_eq!((p[&58].regular_price.as_str(), p[&58].sale_price.as_str()), ("65", "55"));
    assert_eq!((p[&62].regular_price.as_str(), p[&62].sale_price.as_str()), ("90", ""));
    assert_eq!(p[&44].weight, "0.5");
    assert_eq!(p[&45].weight, "1.5");
    assert_eq!(p[&46].weight, "2");
    assert_eq!(p[&60].weight, "0.6");
    assert_eq!((p[&48].length.as_str(), p[&48].width.as_str(), p[&48].height.as_str()), ("4", "5", "0.5"));
    assert_eq!(p[&64].catalog_visibility, "hidden");
    assert_eq!(p[&83].sku, "Woo-tshirt-logo");
    for product in &products {
        assert_eq!(product.tax_status, TaxStatus::Taxable);
        assert_eq!(product.tax_class, "");
        assert!(!product.manage_stock && product.stock_quantity.is_none());
        assert_eq!((product.stock_status, product.backorders), (StockStatus::InStock, Backorders::No));
        assert_eq!(product.slug, sanitize_title(&product.name));
    }

    // Virtual and downloadable simple products.
    for id in [73, 75] {
        assert_eq!(p[&id].product_type, ProductType::Simple);
        assert!(p[&id].is_virtual && p[&id].downloadable, "{id}");
        assert_eq!(p[&id].weight, "");
    }
    assert_eq!((p[&75].regular_price.as_str(), p[&75].sale_price.as_str()), ("3", "2"));
    assert!(products.iter().filter(|x| ![73, 75].contains(&x.id)).all(|x| !x.is_virtual && !x.downloadable));

    // Grouped product: children by SKU, in order.
    assert_eq!(p[&87].children, vec![46, 47, 48]);
    // External product.
    let pennant = p[&89];
    assert_eq!(pennant.product_type, ProductType::External);
    assert_eq!(pennant.regular_price, "11.05");
    assert_eq!(pennant.external_url, "https://mercantile.wordpress.org/product/wordpress-pennant/");
    assert_eq!(pennant.button_text, "Buy on the WordPress swag store!");

    // The catalog the cart uses sees the same structure.
    let catalog = Catalog::new(products.clone());
    let hoodie_variations: Vec<u64> = catalog.variations_of(45).map(|v| v.id).collect();
    assert_eq!(hoodie_variations, vec![90, 79, 80, 81]);
    assert_eq!(catalog.display_name(catalog.get(76).unwrap()), "V-Neck T-Shirt - Red");
    assert_eq!(catalog.display_name(catalog.get(79).unwrap()), "Hoodie - Red, No");
    assert_eq!(catalog.by_sku("woo-tshirt-logo").map(|x| x.id), Some(83));
    assert!(catalog.is_purchasable(catalog.get(76).unwrap()));
    assert!(!catalog.is_purchasable(catalog.get(89).unwrap()));
}

#[test]
fn with_and_without_bom() {
    let bytes = sample_bytes();
    assert!(bytes.starts_with(b"\xef\xbb\xbf"), "the sample has a BOM");
    let with = parse(&bytes, &Catalog::default()).unwrap();
    let without = parse(&bytes[3..], &Catalog::default()).unwrap();
    assert_eq!(with, without);
    // A BOM inside a quoted first header works as well.
    let (mut header, rows) = sample_table();
    header[0] = "ID".into();
    let mut quoted = b"\xef\xbb\xbf".to_vec();
    let body = write_table(&header, &rows);
    quoted.extend_from_slice(b"\"ID\"");
    quoted.extend_from_slice(&body[2..]);
    assert_eq!(parse(&quoted, &Catalog::default()).unwrap(), with);
}

#[test]
fn columns_in_any_order_and_case() {
    let reference = parse(&sample_bytes(), &Catalog::default()).unwrap();
    let (header, rows) = sample_table();
    // Attribute groups keep their relative order (it decides the attribute order, as in
    // WooCommerce); every other column is moved around.
    let (attr, mut other): (Vec<usize>, Vec<usize>) =
        (0..header.len()).partition(|&i| header[i].starts_with("Attribute"));
    other.reverse();
    other.rotate_left(7);
    let order: Vec<usize> = other.iter().take(10).chain(attr.iter()).chain(other.iter().skip(10)).copied().collect();
    let new_header: Vec<String> = order.iter().map(|&i| header[i].to_lowercase()).collect();
    let new_rows: Vec<Vec<String>> = rows.iter().map(|r| order.iter().map(|&i| r[i].clone()).collect()).collect();
    let reordered = parse(&write_table(&new_header, &new_rows), &Catalog::default()).unwrap();
    assert_eq!(reordered, reference);
}

#[test]
fn unknown_columns_are_ignored_and_units_do_not_matter() {
    let reference = parse(&sample_bytes(), &Catalog::default()).unwrap();
    let (mut header, mut rows) = sample_table();
    for h in header.iter_mut() {
        *h = h.replace("(lbs)", "(kg)").replace("(in)", "(cm)");
    }
    header.push("Some plugin column".into());
    for r in rows.iter_mut() {
        r.push("whatever".into());
    }
    assert_eq!(parse(&write_table(&header, &rows), &Catalog::default()).unwrap(), reference);
}

#[test]
fn a_bad_row_names_row_line_and_column() {
    let (header, mut rows) = sample_table();
    let price = col(&header, "Regular price");
    assert_eq!(rows[11][0], "70");
    rows[11][price] = "abc".into();
    let err = parse(&write_table(&header, &rows), &Catalog::default()).unwrap_err();
    assert_eq!(
        err,
        ImportError::Row {
            row: 12,
            line: 13,
            column: "Regular price".into(),
            reason: "\"abc\" is not a number".into()
        }
    );
    assert_eq!(err.to_string(), "row 12 (line 13), column \"Regular price\": \"abc\" is not a number");
}

#[test]
fn reimporting_is_idempotent() {
    let bytes = sample_bytes();
    let first = parse(&bytes, &Catalog::default()).unwrap();
    let catalog = Catalog::new(first.clone());
    let second = parse(&bytes, &catalog).unwrap();
    assert_eq!(second, first, "nothing changes and nothing extra is emitted");
    let third = parse(&bytes, &Catalog::new(second)).unwrap();
    assert_eq!(third, first);
}

#[test]
fn rows_without_ids_get_fresh_ids_and_keep_them_on_reimport() {
    let (header, mut rows) = sample_table();
    for r in rows.iter_mut() {
        r[0].clear();
    }
    let bytes = write_table(&header, &rows);
    let first = parse(&bytes, &Catalog::default()).unwrap();
    let ids: Vec<u64> = first.iter().map(|p| p.id).collect();
    assert_eq!(ids, (1..=25).collect::<Vec<u64>>());
    let p = by_id(&first);
    assert_eq!(p[&15].parent_id, 1, "variation 76 → parent 44, by SKU");
    assert_eq!(p[&23].children, vec![3, 4, 5]);

    let catalog = Catalog::new(first.clone());
    assert_eq!(parse(&bytes, &catalog).unwrap(), first, "SKUs find the same products again");

    // Against a catalog holding the real IDs, new rows go above its highest ID.
    let real = Catalog::new(parse(&sample_bytes(), &Catalog::default()).unwrap());
    let (_, mut one) = sample_table();
    one.truncate(1);
    one[0][0].clear();
    one[0][col(&header, "SKU")] = "new-sku".into();
    let added = parse(&write_table(&header, &one), &real).unwrap();
    assert_eq!(added[0].id, 91);
}

#[test]
fn partial_files_update_only_their_columns() {
    let catalog = Catalog::new(parse(&sample_bytes(), &Catalog::default()).unwrap());
    let csv = "SKU,Regular price,Stock,Backorders allowed?\nwoo-belt,70,'-3,notify\n";
    let updated = parse(csv.as_bytes(), &catalog).unwrap();
    assert_eq!(updated.len(), 1);
    let belt = &updated[0];
    assert_eq!(belt.id, 58);
    assert_eq!((belt.regular_price.as_str(), belt.sale_price.as_str()), ("70", "55"));
    assert_eq!(belt.stock_quantity, Some(-3.0));
    assert!(belt.manage_stock);
    assert_eq!((belt.backorders, belt.stock_status), (Backorders::Notify, StockStatus::OnBackorder));
    let mut expected = catalog.get(58).unwrap().clone();
    expected.regular_price = "70".into();
    expected.manage_stock = true;
    expected.stock_quantity = Some(-3.0);
    expected.backorders = Backorders::Notify;
    expected.stock_status = StockStatus::OnBackorder;
    assert_eq!(*belt, expected);
}

const HEAD: &str = "ID,Type,SKU,Name,Published,Regular price,Sale price,Parent,Grouped products,\
Attribute 1 name,Attribute 1 value(s),Attribute 1 global,Attribute 2 name,Attribute 2 value(s),Attribute 2 global\n";

fn small(rows: &str) -> Result<Vec<Product>, ImportError> {
    parse(format!("{HEAD}{rows}").as_bytes(), &Catalog::default())
}

fn reason(result: Result<Vec<Product>, ImportError>) -> (usize, String, String) {
    match result.unwrap_err() {
        ImportError::Row { row, column, reason, .. } => (row, column, reason),
        other => panic!("not a row error: {other}"),
    }
}

#[test]
fn validation_errors() {
    let (row, column, why) = reason(small("1,bundle,a,A,1,5,,,,,,,,,\n"));
    assert_eq!((row, column.as_str()), (1, "Type"));
    assert!(why.contains("unknown product type \"bundle\""), "{why}");

    let (row, column, why) = reason(small("1,simple,a,A,1,5,,,,,,,,,\n2,variation,b,B,1,5,,missing-sku,,,,,,,\n"));
    assert_eq!((row, column.as_str()), (2, "Parent"));
    assert_eq!(why, "no product with SKU \"missing-sku\" in the file or the catalog");

    let (_, column, why) = reason(small("2,variation,b,B,1,5,,,,,,,,,\n"));
    assert_eq!(column, "Parent");
    assert!(why.contains("needs its parent"), "{why}");

    let (_, _, why) = reason(small("1,simple,a,A,1,5,,,,,,,,,\n2,variation,b,B,1,5,,id:1,,,,,,,\n"));
    assert!(why.contains("must be a variable product"), "{why}");

    let (row, column, why) = reason(small("1,grouped,g,G,1,,,,\"a, nope\",,,,,,\n2,simple,a,A,1,5,,,,,,,,,\n"));
    assert_eq!((row, column.as_str()), (1, "Grouped products"));
    assert_eq!(why, "no product with SKU \"nope\" in the file or the catalog");

    let (_, column, why) = reason(small("1,grouped,g,G,1,,,,id:99,,,,,,\n"));
    assert_eq!(column, "Grouped products");
    assert_eq!(why, "no product with ID 99 in the file or the catalog");

    let (_, column, why) = reason(small(
        "1,variable,v,V,1,,,,,Color,\"Red, Blue\",1,,,\n2,variation,v-red,V red,1,5,,id:1,,Size,Large,1,,,\n",
    ));
    assert_eq!(column, "Attribute 1 name");
    assert!(why.contains("has no \"Size\" attribute"), "{why}");

    let (_, column, why) = reason(small("1,simple,a,A,yes please,5,,,,,,,,,\n"));
    assert_eq!(column, "Published");
    assert!(why.contains("not a Published value"), "{why}");

    let (_, column, _) = reason(small("x1,simple,a,A,1,5,,,,,,,,,\n"));
    assert_eq!(column, "ID");

    let (row, column, why) = reason(small("1,simple,a,A,1,5,,,,,,,,,\n2,simple,A,B,1,5,,,,,,,,,\n"));
    assert_eq!((row, column.as_str()), (2, "SKU"));
    assert!(why.contains("also used by row 1"), "{why}");

    let (row, column, _) = reason(small("1,simple,a,A,1,5,,,,,,,,,\n1,simple,b,B,1,5,,,,,,,,,\n"));
    assert_eq!((row, column.as_str()), (2, "ID"));

    let dated = "ID,Name,Regular price,Date sale price starts\n1,A,5,31/12/2024\n";
    let (_, column, why) = reason(parse(dated.as_bytes(), &Catalog::default()));
    assert_eq!(column, "Date sale price starts");
    assert!(why.contains("not a date"), "{why}");

    let duplicate = "ID,Name,id\n1,A,2\n";
    assert!(matches!(parse(duplicate.as_bytes(), &Catalog::default()), Err(ImportError::Header { .. })));
}

#[test]
fn woocommerce_cell_rules() {
    let csv = "ID,Type,SKU,Name,Published,Tax status,Tax class,In stock?,Stock,Regular price,Sale price,\
Date sale price starts,Date sale price ends,Categories,Tags,Shipping class,Parent,\
Attribute 1 name,Attribute 1 value(s),Attribute 1 visible,Attribute 1 global,Attribute 1 default\n\
10,\"variable, virtual\",'=v,'=Var,0,shipping,Reduced Rate,0,,,,,,\"A > B, C\\, D\",\"x, y\",Heavy Items,,Finish,\"Matt\\, dull, Gloss\",0,0,Gloss\n\
11,variation,,,-1,,parent,1,5,10,12,2024-01-01,2024-02-01 00:00:00,,,,id:10,Finish,\"Matt, dull\",,0,\n\
12,variation,,Var 2,1,,,backorder,,10,8,2024-01-01,2024-02-01,,,,=v,,,,,\n";
    let products = parse(csv.as_bytes(), &Catalog::default()).unwrap();
    let p = by_id(&products);
    let parent = p[&10];
    assert_eq!((parent.sku.as_str(), parent.name.as_str()), ("=v", "=Var"));
    assert!(parent.is_virtual && !parent.downloadable);
    assert_eq!(parent.status, PostStatus::Private);
    assert_eq!(parent.tax_status, TaxStatus::Shipping);
    assert_eq!(parent.tax_class, "reduced-rate");
    assert_eq!(parent.categories, vec![vec!["A".to_string(), "B".into()], vec!["C, D".into()]]);
    assert_eq!(parent.tags, vec!["x".to_string(), "y".into()]);
    assert_eq!(parent.shipping_class, "heavy-items");
    let finish = &parent.attributes[0];
    assert_eq!((finish.slug.as_str(), finish.taxonomy, finish.visible), ("finish", false, false));
    assert_eq!(finish.options, vec![option("Matt, dull", "Matt, dull"), option("Gloss", "Gloss")]);
    assert!(finish.used_for_variations, "a default marks the attribute as used for variations");
    // The parent's stock status follows its variations.
    assert_eq!(parent.stock_status, StockStatus::InStock);

    let v = p[&11];
    assert_eq!(v.status, PostStatus::Draft);
    assert_eq!(v.tax_class, "parent");
    assert_eq!(v.variation_attributes, map(&[("attribute_finish", "Matt")]));
    assert!(v.manage_stock);
    assert_eq!((v.stock_quantity, v.stock_status), (Some(5.0), StockStatus::InStock));
    assert_eq!(v.sale_price, "", "a sale price above the regular price is dropped");
    assert_eq!(v.sale_from, Some(1_704_067_200));
    assert_eq!(v.sale_to, Some(1_706_745_600));
    assert_eq!(v.name, "=Var - Matt", "an empty variation name is generated the WooCommerce way");
    assert_eq!(v.slug, "var-matt");

    let any = p[&12];
    assert_eq!(any.tax_class, "", "an empty tax class is the standard class, as in WooCommerce");
    assert_eq!(any.variation_attributes, map(&[("attribute_finish", "")]));
    assert_eq!(any.stock_status, StockStatus::OnBackorder);
    assert_eq!(any.sale_price, "8");
}

#[test]
fn new_variations_update_catalog_parents_and_siblings() {
    // A variable product whose Size attribute no variation used yet.
    let parent_csv = "ID,Type,SKU,Name,Parent,Attribute 1 name,Attribute 1 value(s),Attribute 1 global,\
Attribute 2 name,Attribute 2 value(s),Attribute 2 global\n\
1,variable,tee,Tee,,Color,\"Red, Blue\",1,Size,\"S, M\",0\n\
2,variation,tee-red,Tee - Red,tee,Color,Red,1,,,\n";
    let first = parse(parent_csv.as_bytes(), &Catalog::default()).unwrap();
    let p = by_id(&first);
    assert_eq!(p[&1].attributes.iter().map(|a| a.used_for_variations).collect::<Vec<_>>(), vec![true, false]);
    assert_eq!(p[&2].variation_attributes, map(&[("attribute_pa_color", "red")]));

    // Re-importing the parent alone keeps its flags.
    let catalog = Catalog::new(first.clone());
    let parent_only: String = parent_csv.lines().take(2).map(|l| format!("{l}\n")).collect();
    assert_eq!(parse(parent_only.as_bytes(), &catalog).unwrap(), vec![p[&1].clone()]);

    // A new variation using Size: the parent now uses it, and the existing variation gets
    // "any" for it, in the parent's attribute order.
    let variation = "ID,Type,SKU,Parent,Name,Attribute 1 name,Attribute 1 value(s),Attribute 1 global\n\
3,variation,tee-s,tee,Tee - S,Size,S,0\n";
    let out = parse(variation.as_bytes(), &catalog).unwrap();
    let ids: Vec<u64> = out.iter().map(|x| x.id).collect();
    assert_eq!(ids, vec![3, 1, 2]);
    assert_eq!(out[0].variation_attributes, map(&[("attribute_pa_color", ""), ("attribute_size", "S")]));
    assert!(out[1].attributes.iter().all(|a| a.used_for_variations));
    assert_eq!(out[2].variation_attributes, map(&[("attribute_pa_color", "red"), ("attribute_size", "")]));
}

#[test]
fn progress_every_hundred_rows() {
    let mut csv = String::from("ID,Name,Regular price\n");
    for i in 1..=250 {
        csv.push_str(&format!("{i},Product {i},{i}.5\n"));
    }
    let mut calls = Vec::new();
    let products = parse_products_csv(csv.as_bytes(), &Catalog::default(), &mut |n| calls.push(n)).unwrap();
    assert_eq!(products.len(), 250);
    assert_eq!(calls, vec![100, 200, 250]);
    assert_eq!(products[249].slug, "product-250");
}

#[test]
fn duplicate_names_get_unique_slugs() {
    let csv = "ID,Name\n1,Hoodie\n2,Hoodie\n3,Hoodie 2\n";
    let products = parse(csv.as_bytes(), &Catalog::default()).unwrap();
    let slugs: Vec<&str> = products.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(slugs, vec!["hoodie", "hoodie-2", "hoodie-2-2"]);
    // Unchanged names keep their slugs on re-import.
    let again = parse(csv.as_bytes(), &Catalog::new(products.clone())).unwrap();
    assert_eq!(again, products);
}
