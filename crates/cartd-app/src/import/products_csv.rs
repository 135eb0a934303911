//! The product CSV that WooCommerce writes (Products → Export) read the way WooCommerce's own
//! importer reads it (`WC_Product_CSV_Importer` + `WC_Product_Importer`, with "update
//! existing products" on), against a catalog instead of a database.
//!
//! Columns are matched by their English headers, case-insensitively and in any order; unknown
//! ones (`Meta: …`, `Download …`, reviews, purchase note) are ignored. A row updates the
//! catalog product with the same ID (or, without an ID, the same SKU): columns missing from
//! the file keep that product's values. IDs are preserved because cart item keys are built
//! from them. Where WooCommerce would quietly store nonsense (a price of "abc", an unknown
//! product type, a variation whose parent cannot be found) the import stops with an error
//! naming the row and column.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Read;

use cartd_domain::catalog::{
    Attribute, AttributeOption, Backorders, Catalog, PostStatus, Product, ProductId, ProductType, StockStatus,
    TaxStatus,
};
use indexmap::IndexMap;

use super::ImportError;
use super::table::{RawRow, read_table};
use super::wc_values as wc;
use cartd_domain::php::sanitize_title;

/// Parse a WooCommerce product CSV export into products to upsert.
///
/// `existing` is the current catalog: rows update the product with the same ID (or SKU),
/// `Parent`, `Grouped products`, `Upsells` and `Cross-sells` may refer to its products, rows
/// without an ID get fresh IDs above every ID in it and in the file, and term slugs and
/// "used for variations" flags already stored there are kept.
///
/// The result holds one product per data row, in file order, followed (by ID) by catalog
/// products the import changes indirectly: a variable parent whose attribute a new variation
/// starts to use, and sibling variations whose attribute map follows their parent's
/// attributes. `progress` receives the number of rows read after every 100 rows and once at
/// the end.
pub fn parse_products_csv<R: Read>(
    input: R,
    existing: &Catalog,
    progress: &mut dyn FnMut(usize),
) -> Result<Vec<Product>, ImportError> {
    let table = read_table(input, &mut *progress)?;
    let cols = Columns::map(&table.headers)?;
    let mut import = Import {
        cols: &cols,
        existing,
        staged: Vec::new(),
        by_id: HashMap::new(),
        skus: HashMap::new(),
        terms: Terms::new(existing),
    };

    let ids = import.assign_ids(&table.rows)?;
    for (raw, id) in table.rows.iter().zip(ids) {
        let staged = import.stage(raw, id)?;
        import.by_id.insert(id, import.staged.len());
        import.staged.push(staged);
    }
    import.check_skus()?;
    import.resolve_references()?;
    import.build_parent_attributes()?;
    let promotions = import.build_variation_attributes()?;
    import.apply_store_rules();
    let extras = import.sync_variable_products(promotions);
    import.assign_slugs();

    let total = table.total_rows;
    if total == 0 || !total.is_multiple_of(100) {
        progress(total);
    }
    let mut out: Vec<Product> = import.staged.into_iter().map(|s| s.product).collect();
    out.extend(extras.into_values());
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Columns

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    Id,
    Type,
    Sku,
    Name,
    Published,
    Featured,
    Visibility,
    ShortDescription,
    Description,
    SaleFrom,
    SaleTo,
    TaxStatus,
    TaxClass,
    InStock,
    Stock,
    Backorders,
    SoldIndividually,
    Weight,
    Length,
    Width,
    Height,
    SalePrice,
    RegularPrice,
    Categories,
    Tags,
    TagsSpaces,
    ShippingClass,
    Images,
    Parent,
    Grouped,
    Upsells,
    CrossSells,
    ExternalUrl,
    ButtonText,
    Position,
}

/// Lower-cased header → column, as WooCommerce's exporter writes them.
const HEADERS: &[(&str, Col)] = &[
    ("id", Col::Id),
    ("type", Col::Type),
    ("sku", Col::Sku),
    ("name", Col::Name),
    ("published", Col::Published),
    ("is featured?", Col::Featured),
    ("visibility in catalog", Col::Visibility),
    ("short description", Col::ShortDescription),
    ("description", Col::Description),
    ("date sale price starts", Col::SaleFrom),
    ("date sale price ends", Col::SaleTo),
    ("tax status", Col::TaxStatus),
    ("tax class", Col::TaxClass),
    ("in stock?", Col::InStock),
    ("stock", Col::Stock),
    ("backorders allowed?", Col::Backorders),
    ("sold individually?", Col::SoldIndividually),
    ("sale price", Col::SalePrice),
    ("regular price", Col::RegularPrice),
    ("categories", Col::Categories),
    ("tags", Col::Tags),
    ("tags (space separated)", Col::TagsSpaces),
    ("shipping class", Col::ShippingClass),
    ("images", Col::Images),
    ("parent", Col::Parent),
    ("grouped products", Col::Grouped),
    ("upsells", Col::Upsells),
    ("cross-sells", Col::CrossSells),
    ("external url", Col::ExternalUrl),
    ("button text", Col::ButtonText),
    ("position", Col::Position),
];

/// Headers that carry a unit: `Weight (lbs)`, `Length (cm)`, or no unit at all.
const UNIT_HEADERS: &[(&str, Col)] =
    &[("weight", Col::Weight), ("length", Col::Length), ("width", Col::Width), ("height", Col::Height)];

impl Col {
    /// The header WooCommerce writes, for messages about a column the file does not have.
    fn canonical(self) -> &'static str {
        match self {
            Col::Id => "ID",
            Col::Type => "Type",
            Col::Sku => "SKU",
            Col::Name => "Name",
            Col::Published => "Published",
            Col::Featured => "Is featured?",
            Col::Visibility => "Visibility in catalog",
            Col::ShortDescription => "Short description",
            Col::Description => "Description",
            Col::SaleFrom => "Date sale price starts",
            Col::SaleTo => "Date sale price ends",
            Col::TaxStatus => "Tax status",
            Col::TaxClass => "Tax class",
            Col::InStock => "In stock?",
            Col::Stock => "Stock",
            Col::Backorders => "Backorders allowed?",
            Col::SoldIndividually => "Sold individually?",
            Col::Weight => "Weight",
            Col::Length => "Length",
            Col::Width => "Width",
            Col::Height => "Height",
            Col::SalePrice => "Sale price",
            Col::RegularPrice => "Regular price",
            Col::Categories => "Categories",
            Col::Tags => "Tags",
            Col::TagsSpaces => "Tags (space separated)",
            Col::ShippingClass => "Shipping class",
            Col::Images => "Images",
            Col::Parent => "Parent",
            Col::Grouped => "Grouped products",
            Col::Upsells => "Upsells",
            Col::CrossSells => "Cross-sells",
            Col::ExternalUrl => "External URL",
            Col::ButtonText => "Button text",
            Col::Position => "Position",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AttrPart {
    Name,
    Values,
    Visible,
    Global,
    Default,
}

/// The columns of one `Attribute N …` group.
#[derive(Debug, Default)]
struct AttrColumns {
    number: u32,
    name: Option<usize>,
    values: Option<usize>,
    visible: Option<usize>,
    global: Option<usize>,
    default: Option<usize>,
}

impl AttrColumns {
    fn slot(&mut self, part: AttrPart) -> &mut Option<usize> {
        match part {
            AttrPart::Name => &mut self.name,
            AttrPart::Values => &mut self.values,
            AttrPart::Visible => &mut self.visible,
            AttrPart::Global => &mut self.global,
            AttrPart::Default => &mut self.default,
        }
    }
}

struct Columns {
    headers: Vec<String>,
    plain: HashMap<Col, usize>,
    /// Attribute groups in the order their first column appears (WooCommerce's order).
    attrs: Vec<AttrColumns>,
}

enum Header {
    Plain(Col),
    Attr(u32, AttrPart),
}

fn classify(header: &str) -> Option<Header> {
    let h = header.to_lowercase();
    if let Some(&(_, col)) = HEADERS.iter().find(|(name, _)| *name == h) {
        return Some(Header::Plain(col));
    }
    for &(name, col) in UNIT_HEADERS {
        if h == name || (h.starts_with(name) && h[name.len()..].starts_with(" (") && h.ends_with(')')) {
            return Some(Header::Plain(col));
        }
    }
    let rest = h.strip_prefix("attribute ")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let number = rest[..digits].parse::<u32>().ok()?;
    let part = match &rest[digits..] {
        " name" => AttrPart::Name,
        " value(s)" | " values" | " value" => AttrPart::Values,
        " visible" => AttrPart::Visible,
        " global" => AttrPart::Global,
        " default" => AttrPart::Default,
        _ => return None,
    };
    Some(Header::Attr(number, part))
}

impl Columns {
    fn map(headers: &[String]) -> Result<Columns, ImportError> {
        let mut plain: HashMap<Col, usize> = HashMap::new();
        let mut attrs: Vec<AttrColumns> = Vec::new();
        let duplicate = |a: usize, b: usize| ImportError::Header {
            reason: format!(
                "columns {} (\"{}\") and {} (\"{}\") hold the same field",
                a + 1,
                headers[a],
                b + 1,
                headers[b]
            ),
        };
        for (i, header) in headers.iter().enumerate() {
            match classify(header) {
                Some(Header::Plain(col)) => {
                    if let Some(&first) = plain.get(&col) {
                        return Err(duplicate(first, i));
                    }
                    plain.insert(col, i);
                }
                Some(Header::Attr(number, part)) => {
                    let pos = match attrs.iter().position(|g| g.number == number) {
                        Some(pos) => pos,
                        None => {
                            attrs.push(AttrColumns { number, ..AttrColumns::default() });
                            attrs.len() - 1
                        }
                    };
                    let slot = attrs[pos].slot(part);
                    if let Some(first) = *slot {
                        return Err(duplicate(first, i));
                    }
                    *slot = Some(i);
                }
                None => {}
            }
        }
        Ok(Columns { headers: headers.to_vec(), plain, attrs })
    }
}

/// One row's cells, looked up by column, with the exporter's `'` escape undone.
struct Cells<'a> {
    cols: &'a Columns,
    raw: &'a RawRow,
}

impl<'a> Cells<'a> {
    /// The cell of `col`; `None` when the file has no such column.
    fn get(&self, col: Col) -> Option<&'a str> {
        self.cols.plain.get(&col).map(|&i| wc::unescape(self.raw.cell(i)))
    }

    fn at(&self, index: usize) -> &'a str {
        wc::unescape(self.raw.cell(index))
    }

    fn header(&self, col: Col) -> &str {
        self.cols.plain.get(&col).map(|&i| self.cols.headers[i].as_str()).unwrap_or(col.canonical())
    }

    fn err(&self, col: Col, reason: impl Into<String>) -> ImportError {
        ImportError::row(self.raw.row, self.raw.line, self.header(col), reason)
    }

    fn err_at(&self, index: usize, reason: impl Into<String>) -> ImportError {
        ImportError::row(self.raw.row, self.raw.line, &self.cols.headers[index], reason)
    }
}

// ---------------------------------------------------------------------------------------
// Staging

/// An `Attribute N` group of a row, with a name.
#[derive(Debug, Clone)]
struct RawAttr {
    /// Index into `Columns::attrs`.
    group: usize,
    name: String,
    /// `None` when the file has no value(s) column for this group.
    values: Option<Vec<String>>,
    visible: Option<bool>,
    global: bool,
    default: Option<String>,
}

/// A row turned into a product, with the references that need the whole file to resolve.
struct Staged<'a> {
    cells: Cells<'a>,
    product: Product,
    parent_ref: Option<String>,
    grouped: Option<Vec<String>>,
    upsells: Option<Vec<String>>,
    cross_sells: Option<Vec<String>>,
    attrs: Vec<RawAttr>,
    /// The catalog's slug, kept when the product exists there under the same name.
    kept_slug: Option<String>,
}

/// Global-attribute knowledge from the catalog: which slug a label maps to, and which term
/// slug an option name has (WooCommerce looks both up in its taxonomy tables).
struct Terms {
    labels: HashMap<String, String>,
    slugs: HashMap<(String, String), String>,
}

impl Terms {
    fn new(catalog: &Catalog) -> Terms {
        let mut labels = HashMap::new();
        let mut slugs = HashMap::new();
        for p in catalog.products() {
            for a in p.attributes.iter().filter(|a| a.taxonomy) {
                labels.entry(a.label.clone()).or_insert_with(|| a.slug.clone());
                for o in &a.options {
                    slugs.entry((a.slug.clone(), o.name.to_lowercase())).or_insert_with(|| o.slug.clone());
                }
            }
        }
        Terms { labels, slugs }
    }

    /// `pa_…` slug of a global attribute named `name`.
    fn attribute_slug(&self, name: &str) -> String {
        self.labels.get(name).cloned().unwrap_or_else(|| format!("pa_{}", sanitize_title(name)))
    }

    fn term_slug(&self, attribute: &str, name: &str) -> String {
        self.slugs.get(&(attribute.to_string(), name.to_lowercase())).cloned().unwrap_or_else(|| sanitize_title(name))
    }
}

struct Import<'a> {
    cols: &'a Columns,
    existing: &'a Catalog,
    staged: Vec<Staged<'a>>,
    by_id: HashMap<ProductId, usize>,
    /// Lower-cased SKU → ID of the file's products (filled by `check_skus`).
    skus: HashMap<String, ProductId>,
    terms: Terms,
}

impl<'a> Import<'a> {
    fn product(&self, id: ProductId) -> Option<&Product> {
        match self.by_id.get(&id) {
            Some(&i) => Some(&self.staged[i].product),
            None => self.existing.get(id),
        }
    }

    /// IDs: the row's own, else the product that already has the row's SKU, else a new one
    /// above every ID in the catalog and the file.
    fn assign_ids(&self, rows: &'a [RawRow]) -> Result<Vec<ProductId>, ImportError> {
        let mut explicit: Vec<Option<ProductId>> = Vec::with_capacity(rows.len());
        let mut skus: Vec<String> = Vec::with_capacity(rows.len());
        for raw in rows {
            let cells = Cells { cols: self.cols, raw };
            let id = match cells.get(Col::Id).map(wc::php_trim) {
                Some(v) if !v.is_empty() => {
                    let id = v
                        .parse::<u64>()
                        .map_err(|_| cells.err(Col::Id, format!("\"{v}\" is not a product ID (a whole number)")))?;
                    (id != 0).then_some(id)
                }
                _ => None,
            };
            explicit.push(id);
            skus.push(cells.get(Col::Sku).map(wc::wc_clean).unwrap_or_default().to_lowercase());
        }

        let explicit_ids: HashSet<ProductId> = explicit.iter().flatten().copied().collect();
        let mut file_skus: HashMap<&str, ProductId> = HashMap::new();
        for (id, sku) in explicit.iter().zip(&skus) {
            if let Some(id) = id
                && !sku.is_empty()
            {
                file_skus.entry(sku.as_str()).or_insert(*id);
            }
        }
        let max_id = self.existing.products().map(|p| p.id).chain(explicit_ids.iter().copied()).max().unwrap_or(0);
        let mut next_id = max_id + 1;
        let mut new_skus: HashMap<&str, ProductId> = HashMap::new();

        let mut ids = Vec::with_capacity(rows.len());
        let mut seen: HashMap<ProductId, usize> = HashMap::new();
        for (i, raw) in rows.iter().enumerate() {
            let sku = skus[i].as_str();
            let id = match explicit[i] {
                Some(id) => id,
                None if !sku.is_empty() => {
                    let known = file_skus
                        .get(sku)
                        .copied()
                        .or_else(|| self.existing.by_sku(sku).map(|p| p.id).filter(|id| !explicit_ids.contains(id)));
                    match known.or_else(|| new_skus.get(sku).copied()) {
                        Some(id) => id,
                        None => {
                            next_id += 1;
                            new_skus.insert(sku, next_id - 1);
                            next_id - 1
                        }
                    }
                }
                None => {
                    next_id += 1;
                    next_id - 1
                }
            };
            if let Some(&first) = seen.get(&id) {
                let cells = Cells { cols: self.cols, raw };
                let first_row = rows[first].row;
                return Err(if explicit[i].is_some() {
                    cells.err(Col::Id, format!("product ID {id} is also imported by row {first_row}"))
                } else {
                    cells.err(Col::Sku, format!("SKU \"{sku}\" is also imported by row {first_row}"))
                });
            }
            seen.insert(id, i);
            ids.push(id);
        }
        Ok(ids)
    }

    /// Apply one row's own columns to the product it imports.
    fn stage(&self, raw: &'a RawRow, id: ProductId) -> Result<Staged<'a>, ImportError> {
        let cells = Cells { cols: self.cols, raw };
        let base = self.existing.get(id);

        let (product_type, flags) = match cells.get(Col::Type) {
            Some(v) => {
                let (t, virt, down) = parse_type(v).map_err(|e| cells.err(Col::Type, e))?;
                (t, Some((virt, down)))
            }
            None => (base.map(|b| b.product_type).unwrap_or(ProductType::Simple), None),
        };
        let mut p = base.cloned().unwrap_or_else(|| Product::new(id, product_type, ""));
        p.id = id;
        p.product_type = product_type;
        if let Some((virt, down)) = flags {
            p.is_virtual = virt;
            p.downloadable = down;
        }
        let is_variation = product_type == ProductType::Variation;

        if let Some(v) = cells.get(Col::Sku) {
            p.sku = wc::wc_clean(v);
        }
        if let Some(v) = cells.get(Col::Name) {
            p.name = v.to_string();
        }
        let kept_slug = base.filter(|b| b.name == p.name && !b.slug.is_empty()).map(|b| b.slug.clone());
        if let Some(v) = cells.get(Col::Published) {
            p.status = parse_published(v).map_err(|e| cells.err(Col::Published, e))?;
        }
        if let Some(v) = cells.get(Col::Featured) {
            p.featured = wc::parse_bool(v).map_err(|e| cells.err(Col::Featured, e))?;
        }
        if let Some(v) = cells.get(Col::Visibility) {
            let v = wc::wc_clean(v).to_lowercase();
            match v.as_str() {
                "" => {}
                "visible" | "catalog" | "search" | "hidden" => p.catalog_visibility = v,
                _ => {
                    return Err(cells.err(
                        Col::Visibility,
                        format!("\"{v}\" is not a catalog visibility (visible, catalog, search or hidden)"),
                    ));
                }
            }
        }
        if let Some(v) = cells.get(Col::ShortDescription) {
            p.short_description = parse_description(v);
        }
        if let Some(v) = cells.get(Col::Description) {
            p.description = parse_description(v);
        }
        for (col, slot) in [(Col::SaleFrom, &mut p.sale_from), (Col::SaleTo, &mut p.sale_to)] {
            if let Some(v) = cells.get(col) {
                *slot = if wc::php_trim(v).is_empty() {
                    None
                } else {
                    Some(wc::parse_date(v).map_err(|e| cells.err(col, e))?)
                };
            }
        }
        if let Some(v) = cells.get(Col::TaxStatus) {
            p.tax_status = parse_tax_status(v).map_err(|e| cells.err(Col::TaxStatus, e))?;
        }
        if let Some(v) = cells.get(Col::TaxClass) {
            let class = sanitize_title(&wc::wc_clean(v));
            p.tax_class = match class.as_str() {
                "standard" => String::new(),
                "parent" if !is_variation => String::new(),
                _ => class,
            };
        }

        let stock = cells.get(Col::Stock);
        if let Some(v) = stock {
            if wc::php_trim(v).is_empty() {
                p.manage_stock = false;
                p.stock_quantity = None;
            } else {
                let qty = wc::parse_number(v).map_err(|e| cells.err(Col::Stock, e))?;
                p.manage_stock = true;
                p.stock_quantity = Some(qty.trunc());
            }
        }
        match cells.get(Col::InStock) {
            Some(v) => p.stock_status = parse_stock_status(v).map_err(|e| cells.err(Col::InStock, e))?,
            None if stock.is_some_and(|v| wc::php_trim(v).is_empty()) => p.stock_status = StockStatus::InStock,
            None => {}
        }
        if let Some(v) = cells.get(Col::Backorders) {
            p.backorders = parse_backorders(v).map_err(|e| cells.err(Col::Backorders, e))?;
        }
        if let Some(v) = cells.get(Col::SoldIndividually) {
            p.sold_individually = wc::parse_bool(v).map_err(|e| cells.err(Col::SoldIndividually, e))?;
        }

        for (col, slot) in [
            (Col::Weight, &mut p.weight),
            (Col::Length, &mut p.length),
            (Col::Width, &mut p.width),
            (Col::Height, &mut p.height),
        ] {
            if let Some(v) = cells.get(col) {
                *slot = parse_measure(v).map_err(|e| cells.err(col, e))?;
            }
        }
        for (col, slot) in [(Col::RegularPrice, &mut p.regular_price), (Col::SalePrice, &mut p.sale_price)] {
            if let Some(v) = cells.get(col) {
                *slot = parse_price(v).map_err(|e| cells.err(col, e))?;
            }
        }

        if let Some(v) = cells.get(Col::Categories) {
            p.categories = explode(v)
                .iter()
                .map(|path| path.split('>').map(wc::php_trim).filter(|s| !s.is_empty()).map(String::from).collect())
                .filter(|path: &Vec<String>| !path.is_empty())
                .collect();
        }
        if let Some(v) = cells.get(Col::Tags) {
            p.tags = explode(v);
        }
        if let Some(v) = cells.get(Col::TagsSpaces) {
            p.tags = wc::explode_values(v, ' ').into_iter().filter(|s| !s.is_empty()).collect();
        }
        if is_variation {
            // Variations carry no categories or tags of their own (WooCommerce strips them).
            p.categories.clear();
            p.tags.clear();
        }
        if let Some(v) = cells.get(Col::ShippingClass) {
            p.shipping_class = sanitize_title(wc::php_trim(v));
        }
        if let Some(v) = cells.get(Col::Images) {
            p.images = explode(v);
        }
        if product_type == ProductType::External {
            if let Some(v) = cells.get(Col::ExternalUrl) {
                p.external_url = wc::php_trim(v).to_string();
            }
            if let Some(v) = cells.get(Col::ButtonText) {
                p.button_text = wc::wc_clean(v);
            }
        } else {
            p.external_url.clear();
            p.button_text.clear();
        }
        if let Some(v) = cells.get(Col::Position) {
            p.menu_order = if wc::php_trim(v).is_empty() {
                0
            } else {
                let n = wc::parse_number(v).map_err(|e| cells.err(Col::Position, e))?;
                n.trunc() as i64
            };
        }

        let list = |col: Col| cells.get(col).map(explode);
        let parent_ref = cells.get(Col::Parent).map(|v| wc::php_trim(v).to_string());
        let (grouped, upsells, cross_sells) = (list(Col::Grouped), list(Col::Upsells), list(Col::CrossSells));

        let mut attrs = Vec::new();
        for (group, g) in self.cols.attrs.iter().enumerate() {
            let name = g.name.map(|i| wc::wc_clean(cells.at(i))).unwrap_or_default();
            if name.is_empty() {
                continue;
            }
            let bool_at = |i: usize| wc::parse_bool(cells.at(i)).map_err(|e| cells.err_at(i, e));
            attrs.push(RawAttr {
                group,
                name,
                values: g.values.map(|i| parse_comma_field(cells.at(i))),
                visible: g.visible.map(bool_at).transpose()?,
                global: g.global.map(bool_at).transpose()?.unwrap_or(false),
                default: g.default.map(|i| wc::wc_clean(cells.at(i))).filter(|d| !d.is_empty()),
            });
        }

        Ok(Staged { cells, product: p, parent_ref, grouped, upsells, cross_sells, attrs, kept_slug })
    }

    /// SKUs are unique (case-insensitively) across the file and the rest of the catalog.
    fn check_skus(&mut self) -> Result<(), ImportError> {
        let mut owners: HashMap<String, usize> = HashMap::new();
        for (i, s) in self.staged.iter().enumerate() {
            let sku = s.product.sku.to_lowercase();
            if sku.is_empty() {
                continue;
            }
            if let Some(&first) = owners.get(&sku) {
                let first = &self.staged[first];
                return Err(s.cells.err(
                    Col::Sku,
                    format!(
                        "SKU \"{}\" is also used by row {} (ID {})",
                        s.product.sku, first.cells.raw.row, first.product.id
                    ),
                ));
            }
            if let Some(other) = self.existing.by_sku(&sku).filter(|o| !self.by_id.contains_key(&o.id)) {
                return Err(s.cells.err(
                    Col::Sku,
                    format!("SKU \"{}\" is already used by product {} in the catalog", s.product.sku, other.id),
                ));
            }
            owners.insert(sku, i);
        }
        self.skus = owners.into_iter().map(|(sku, i)| (sku, self.staged[i].product.id)).collect();
        Ok(())
    }

    /// `id:NN` or a SKU → a product ID, from the file or the catalog.
    fn lookup(&self, reference: &str) -> Result<ProductId, String> {
        if let Some(num) = reference.strip_prefix("id:")
            && !num.is_empty()
            && num.bytes().all(|b| b.is_ascii_digit())
        {
            let id = num.parse::<u64>().map_err(|_| format!("\"{reference}\" is not a product ID"))?;
            return match self.product(id) {
                Some(_) => Ok(id),
                None => Err(format!("no product with ID {id} in the file or the catalog")),
            };
        }
        if let Some(&id) = self.skus.get(&reference.to_lowercase()) {
            return Ok(id);
        }
        match self.existing.by_sku(reference).filter(|p| !self.by_id.contains_key(&p.id)) {
            Some(p) => Ok(p.id),
            None => Err(format!("no product with SKU \"{reference}\" in the file or the catalog")),
        }
    }

    /// Parents of variations, children of grouped products, up-sells and cross-sells.
    fn resolve_references(&mut self) -> Result<(), ImportError> {
        for i in 0..self.staged.len() {
            let s = &self.staged[i];
            let (id, product_type) = (s.product.id, s.product.product_type);

            let mut parent_id = s.product.parent_id;
            if product_type == ProductType::Variation {
                if let Some(reference) = &s.parent_ref {
                    parent_id = if reference.is_empty() {
                        0
                    } else {
                        self.lookup(reference).map_err(|e| s.cells.err(Col::Parent, e))?
                    };
                }
                if parent_id == 0 {
                    return Err(s
                        .cells
                        .err(Col::Parent, "a variation needs its parent product (\"id:NN\" or the parent's SKU)"));
                }
                let parent = self.product(parent_id).ok_or_else(|| {
                    s.cells.err(Col::Parent, format!("parent product {parent_id} is not in the file or the catalog"))
                })?;
                if parent_id == id || parent.product_type != ProductType::Variable {
                    return Err(s.cells.err(
                        Col::Parent,
                        format!(
                            "the parent \"{}\" (ID {}) is a {} product; a variation's parent must be a variable product",
                            parent.name,
                            parent.id,
                            parent.product_type.as_str()
                        ),
                    ));
                }
            } else {
                parent_id = 0;
            }

            let mut children = s.product.children.clone();
            if product_type == ProductType::Grouped {
                if let Some(refs) = &s.grouped {
                    children.clear();
                    for r in refs {
                        let child = self.lookup(r).map_err(|e| s.cells.err(Col::Grouped, e))?;
                        if child == id {
                            return Err(s.cells.err(Col::Grouped, "a grouped product cannot contain itself"));
                        }
                        if !children.contains(&child) {
                            children.push(child);
                        }
                    }
                }
            } else {
                children.clear();
            }

            let linked = |refs: &Option<Vec<String>>, current: &[ProductId], what: &str| -> Vec<ProductId> {
                let Some(refs) = refs else { return current.to_vec() };
                let mut ids = Vec::new();
                for r in refs {
                    match self.lookup(r) {
                        Ok(linked) if !ids.contains(&linked) => ids.push(linked),
                        Ok(_) => {}
                        // WooCommerce creates an invisible placeholder product here; the link
                        // can never show, so it is dropped.
                        Err(e) => tracing::warn!(row = s.cells.raw.row, product = id, "{what}: {e}; link dropped"),
                    }
                }
                ids
            };
            let upsells = linked(&s.upsells, &s.product.upsells, "up-sell");
            let cross_sells = linked(&s.cross_sells, &s.product.cross_sells, "cross-sell");

            let p = &mut self.staged[i].product;
            p.parent_id = parent_id;
            p.children = children;
            p.upsells = upsells;
            p.cross_sells = cross_sells;
        }
        Ok(())
    }

    /// Attributes of non-variation rows (`set_product_data`). A row whose attribute names
    /// are all empty keeps the product's current attributes.
    fn build_parent_attributes(&mut self) -> Result<(), ImportError> {
        for i in 0..self.staged.len() {
            let s = &self.staged[i];
            if s.product.is_variation() || s.attrs.is_empty() {
                continue;
            }
            let variable = s.product.product_type == ProductType::Variable;
            let current = &s.product.attributes;
            let mut attributes: Vec<Attribute> = Vec::new();
            for ra in &s.attrs {
                let name_col = self.cols.attrs[ra.group].name.unwrap_or_default();
                let values: Vec<String> = ra.values.clone().unwrap_or_default();
                let is_default = |options: &[String]| ra.default.as_ref().is_some_and(|d| options.contains(d));
                let attribute = if ra.global {
                    let slug = self.terms.attribute_slug(&ra.name);
                    if slug.len() > 3 + 28 {
                        return Err(s.cells.err_at(
                            name_col,
                            format!(
                                "global attribute \"{}\" gives the slug \"{slug}\", longer than 28 characters",
                                ra.name
                            ),
                        ));
                    }
                    if values.is_empty() {
                        continue; // WooCommerce drops a global attribute without terms.
                    }
                    let mut options: Vec<AttributeOption> = Vec::new();
                    for value in &values {
                        let term = self.terms.term_slug(&slug, value);
                        if term.is_empty() {
                            let col = self.cols.attrs[ra.group].values.unwrap_or(name_col);
                            return Err(s.cells.err_at(col, format!("\"{value}\" gives an empty term slug")));
                        }
                        if !options.iter().any(|o| o.slug == term) {
                            options.push(AttributeOption { slug: term, name: value.clone() });
                        }
                    }
                    let used = current.iter().any(|a| a.taxonomy && a.slug == slug && a.used_for_variations);
                    Attribute {
                        label: ra.name.clone(),
                        slug,
                        taxonomy: true,
                        options,
                        visible: ra.visible.unwrap_or(true),
                        used_for_variations: variable && (used || is_default(&values)),
                    }
                } else {
                    if ra.values.is_none() {
                        continue; // A custom attribute needs a value(s) column.
                    }
                    let slug = sanitize_title(&ra.name);
                    if slug.is_empty() {
                        return Err(s
                            .cells
                            .err_at(name_col, format!("attribute name \"{}\" gives an empty slug", ra.name)));
                    }
                    let used = current.iter().any(|a| !a.taxonomy && a.label == ra.name && a.used_for_variations);
                    Attribute {
                        label: ra.name.clone(),
                        slug,
                        taxonomy: false,
                        options: values.iter().map(|v| AttributeOption { slug: v.clone(), name: v.clone() }).collect(),
                        visible: ra.visible.unwrap_or(true),
                        used_for_variations: variable && (used || is_default(&values)),
                    }
                };
                if attributes.iter().any(|a| a.slug == attribute.slug) {
                    return Err(s.cells.err_at(name_col, format!("attribute \"{}\" is given twice", ra.name)));
                }
                attributes.push(attribute);
            }
            self.staged[i].product.attributes = attributes;
        }
        Ok(())
    }

    /// Attribute values of variation rows (`set_variation_data`): keyed by the parent's
    /// attribute slug, the term slug for global attributes and the text for custom ones,
    /// `""` ("any") when empty. Returns the parent attributes the variations use.
    fn build_variation_attributes(&mut self) -> Result<BTreeMap<ProductId, BTreeSet<String>>, ImportError> {
        let mut promotions: BTreeMap<ProductId, BTreeSet<String>> = BTreeMap::new();
        for i in 0..self.staged.len() {
            let s = &self.staged[i];
            if !s.product.is_variation() || s.attrs.is_empty() {
                continue;
            }
            let parent_id = s.product.parent_id;
            let Some(parent) = self.product(parent_id) else { continue };
            let mut map = IndexMap::new();
            for ra in &s.attrs {
                let name_col = self.cols.attrs[ra.group].name.unwrap_or_default();
                let custom_slug = sanitize_title(&ra.name);
                let slug = if ra.global { self.terms.attribute_slug(&ra.name) } else { custom_slug.clone() };
                let Some(pa) = parent.attributes.iter().find(|a| a.slug == slug) else {
                    let reason = if ra.global && parent.attributes.iter().any(|a| !a.taxonomy && a.slug == custom_slug)
                    {
                        format!(
                            "the parent product has a custom \"{}\" attribute, but this row marks it as global",
                            ra.name
                        )
                    } else {
                        format!(
                            "the parent product \"{}\" (ID {}) has no \"{}\" attribute",
                            parent.name, parent.id, ra.name
                        )
                    };
                    return Err(s.cells.err_at(name_col, reason));
                };
                let raw_value = ra.values.as_ref().and_then(|v| v.first().cloned()).unwrap_or_default();
                let value = if !pa.taxonomy || raw_value.is_empty() {
                    raw_value
                } else {
                    match pa.options.iter().find(|o| o.name.to_lowercase() == raw_value.to_lowercase()) {
                        Some(o) => o.slug.clone(),
                        None => self.terms.term_slug(&slug, &raw_value),
                    }
                };
                map.insert(pa.variation_key(), value);
                promotions.entry(parent_id).or_default().insert(slug);
            }
            self.staged[i].product.variation_attributes = map;
        }
        Ok(promotions)
    }

    /// Mark the attributes variations use as "used for variations" on their parents, give
    /// every variation of an affected parent the parent's attribute map (in the parent's
    /// order, `""` for an attribute it does not fix) and sync variable parents' stock status
    /// from their variations. Returns catalog products changed by this (not in the file).
    fn sync_variable_products(
        &mut self,
        promotions: BTreeMap<ProductId, BTreeSet<String>>,
    ) -> BTreeMap<ProductId, Product> {
        let mut extras: BTreeMap<ProductId, Product> = BTreeMap::new();
        let mut parents: BTreeSet<ProductId> = BTreeSet::new();
        let mut variations: HashMap<ProductId, Vec<usize>> = HashMap::new();
        for (i, s) in self.staged.iter().enumerate() {
            match s.product.product_type {
                ProductType::Variable => {
                    parents.insert(s.product.id);
                }
                ProductType::Variation => {
                    parents.insert(s.product.parent_id);
                    variations.entry(s.product.parent_id).or_default().push(i);
                }
                _ => {}
            }
        }

        for (parent_id, slugs) in &promotions {
            let promote = |p: &mut Product| {
                let mut changed = false;
                for a in p.attributes.iter_mut().filter(|a| slugs.contains(&a.slug) && !a.used_for_variations) {
                    a.used_for_variations = true;
                    changed = true;
                }
                changed
            };
            if let Some(&i) = self.by_id.get(parent_id) {
                promote(&mut self.staged[i].product);
            } else if let Some(existing) = self.existing.get(*parent_id) {
                let mut parent = existing.clone();
                if promote(&mut parent) {
                    extras.insert(parent.id, parent);
                }
            }
        }

        for parent_id in parents {
            let Some(parent) = extras.get(&parent_id).or_else(|| self.product(parent_id)) else { continue };
            if parent.product_type != ProductType::Variable {
                continue;
            }
            let used: Vec<Attribute> = parent.attributes.iter().filter(|a| a.used_for_variations).cloned().collect();
            let parent_name = parent.name.clone();
            let keys: Vec<String> = used.iter().map(Attribute::variation_key).collect();
            let normalize = |map: &IndexMap<String, String>| -> IndexMap<String, String> {
                keys.iter().map(|k| (k.clone(), map.get(k).cloned().unwrap_or_default())).collect()
            };

            let mut statuses = Vec::new();
            for &i in variations.get(&parent_id).map(Vec::as_slice).unwrap_or_default() {
                let s = &mut self.staged[i];
                s.product.variation_attributes = normalize(&s.product.variation_attributes);
                if s.product.name.is_empty() {
                    s.product.name = variation_title(&parent_name, &used, &s.product.variation_attributes);
                }
                statuses.push(s.product.stock_status);
            }
            for v in self.existing.variations_of(parent_id).filter(|v| !self.by_id.contains_key(&v.id)) {
                let map = normalize(&v.variation_attributes);
                if map != v.variation_attributes {
                    let mut v = v.clone();
                    v.variation_attributes = map;
                    extras.insert(v.id, v);
                }
                statuses.push(v.stock_status);
            }

            // WooCommerce keeps a variable parent's stock status in sync with its children.
            let synced = if statuses.contains(&StockStatus::InStock) {
                Some(StockStatus::InStock)
            } else if statuses.contains(&StockStatus::OnBackorder) {
                Some(StockStatus::OnBackorder)
            } else if statuses.is_empty() {
                None
            } else {
                Some(StockStatus::OutOfStock)
            };
            let Some(status) = synced else { continue };
            if let Some(&i) = self.by_id.get(&parent_id) {
                let p = &mut self.staged[i].product;
                if !p.manage_stock {
                    p.stock_status = status;
                }
            } else {
                let current = extras.get(&parent_id).or_else(|| self.existing.get(parent_id));
                if let Some(current) = current.filter(|p| !p.manage_stock && p.stock_status != status) {
                    let mut p = current.clone();
                    p.stock_status = status;
                    extras.insert(p.id, p);
                }
            }
        }
        extras
    }

    /// What WooCommerce does when it saves a product: a sale price not below the regular
    /// price is cleared, external products never manage stock, and stock fields follow
    /// "manage stock" (`validate_props`).
    fn apply_store_rules(&mut self) {
        for s in &mut self.staged {
            let p = &mut s.product;
            if !matches!(p.product_type, ProductType::Variable | ProductType::Grouped) && !p.sale_price.is_empty() {
                let sale = p.sale_price.parse::<f64>().unwrap_or(0.0);
                let keep = !p.regular_price.is_empty() && p.regular_price.parse::<f64>().is_ok_and(|r| sale < r);
                if !keep {
                    p.sale_price.clear();
                }
            }
            if p.product_type == ProductType::External {
                p.manage_stock = false;
                p.stock_status = StockStatus::InStock;
            }
            if p.manage_stock {
                let qty = p.stock_quantity.unwrap_or(0.0);
                p.stock_status = if qty.trunc() > 0.0 {
                    StockStatus::InStock
                } else if p.backorders != Backorders::No {
                    StockStatus::OnBackorder
                } else {
                    StockStatus::OutOfStock
                };
            } else {
                p.stock_quantity = None;
                p.backorders = Backorders::No;
            }
        }
    }

    /// Slugs like WordPress's `post_name`: `sanitize_title(name)`, made unique among
    /// products (variations separately) with `-2`, `-3`, …; a product whose name did not
    /// change keeps its slug.
    fn assign_slugs(&mut self) {
        let mut taken: HashSet<(bool, String)> = self
            .existing
            .products()
            .filter(|p| !self.by_id.contains_key(&p.id) && !p.slug.is_empty())
            .map(|p| (p.is_variation(), p.slug.clone()))
            .collect();
        let mut pending = Vec::new();
        for (i, s) in self.staged.iter_mut().enumerate() {
            let key = s.product.is_variation();
            match s.kept_slug.take() {
                Some(slug) if !taken.contains(&(key, slug.clone())) => {
                    taken.insert((key, slug.clone()));
                    s.product.slug = slug;
                }
                _ => pending.push(i),
            }
        }
        for i in pending {
            let p = &mut self.staged[i].product;
            let key = p.is_variation();
            let mut base = sanitize_title(&p.name);
            if base.is_empty() {
                base = p.id.to_string();
            }
            let mut slug = base.clone();
            let mut n = 2;
            while taken.contains(&(key, slug.clone())) {
                slug = format!("{base}-{n}");
                n += 1;
            }
            taken.insert((key, slug.clone()));
            p.slug = slug;
        }
    }
}

/// The title WooCommerce gives a variation (`generate_product_title`): the parent's name,
/// then ` - ` and the fixed attribute values when the variation has fewer than three
/// attributes (and, with two, neither slug contains `-`).
fn variation_title(parent_name: &str, used: &[Attribute], values: &IndexMap<String, String>) -> String {
    let include = values.len() < 3 && (values.len() < 2 || !used.iter().any(|a| a.slug.contains('-')));
    let shown: Vec<&str> = used
        .iter()
        .filter_map(|a| values.get(&a.variation_key()).filter(|v| !v.is_empty()).map(|v| a.option_name(v)))
        .collect();
    if include && !shown.is_empty() { format!("{parent_name} - {}", shown.join(", ")) } else { parent_name.to_string() }
}

// ---------------------------------------------------------------------------------------
// Cell parsers

/// `Type`: `simple`, `variable`, `variation`, `grouped` or `external`, optionally combined
/// with `virtual` and `downloadable` (`"simple, downloadable, virtual"`); empty is simple.
fn parse_type(value: &str) -> Result<(ProductType, bool, bool), String> {
    let parts: Vec<String> = parse_comma_field(value).iter().map(|p| p.to_lowercase()).collect();
    let virt = parts.iter().any(|p| p == "virtual");
    let down = parts.iter().any(|p| p == "downloadable");
    let main = parts.iter().find(|p| *p != "virtual" && *p != "downloadable").map(String::as_str).unwrap_or("");
    let t = match main {
        "" | "simple" => ProductType::Simple,
        "variable" => ProductType::Variable,
        "variation" => ProductType::Variation,
        "grouped" => ProductType::Grouped,
        "external" => ProductType::External,
        other => {
            return Err(format!(
                "unknown product type \"{other}\" (simple, variable, variation, grouped or external, \
                 optionally with \"virtual\" and \"downloadable\")"
            ));
        }
    };
    Ok((t, virt, down))
}

/// `Published`: 1 → publish, 0 → private, -1 → draft (WooCommerce's exporter's values;
/// `true`/`false` also accepted). An empty cell is a draft, as in WooCommerce.
fn parse_published(value: &str) -> Result<PostStatus, String> {
    let v = wc::php_trim(value).to_lowercase();
    let bad = || format!("\"{value}\" is not a Published value (1 = published, 0 = private, -1 = draft)");
    match v.as_str() {
        "" | "false" => Ok(PostStatus::Draft),
        "true" => Ok(PostStatus::Publish),
        _ => match wc::parse_number(&v).map(|n| n.trunc() as i64) {
            Ok(1) => Ok(PostStatus::Publish),
            Ok(0) => Ok(PostStatus::Private),
            Ok(-1) => Ok(PostStatus::Draft),
            _ => Err(bad()),
        },
    }
}

fn parse_tax_status(value: &str) -> Result<TaxStatus, String> {
    match wc::wc_clean(value).to_lowercase().as_str() {
        "" | "taxable" | "true" => Ok(TaxStatus::Taxable),
        "shipping" => Ok(TaxStatus::Shipping),
        "none" | "false" => Ok(TaxStatus::None),
        _ => Err(format!("\"{value}\" is not a tax status (taxable, shipping or none)")),
    }
}

/// `In stock?`: 1 → in stock, `backorder` → on backorder, 0 or empty → out of stock.
fn parse_stock_status(value: &str) -> Result<StockStatus, String> {
    match wc::php_trim(value).to_lowercase().as_str() {
        "1" | "yes" | "true" | "instock" => Ok(StockStatus::InStock),
        "" | "0" | "no" | "false" | "outofstock" => Ok(StockStatus::OutOfStock),
        "backorder" | "onbackorder" => Ok(StockStatus::OnBackorder),
        _ => Err(format!("\"{value}\" is not a stock status (1, 0 or backorder)")),
    }
}

fn parse_backorders(value: &str) -> Result<Backorders, String> {
    match wc::php_trim(value).to_lowercase().as_str() {
        "" | "0" | "no" | "false" => Ok(Backorders::No),
        "1" | "yes" | "true" => Ok(Backorders::Yes),
        "notify" => Ok(Backorders::Notify),
        _ => Err(format!("\"{value}\" is not a backorders value (1, 0 or notify)")),
    }
}

/// Weight and dimensions: a non-negative number stored the way `wc_format_decimal(float)`
/// prints it (`".5"` → `"0.5"`); empty stays empty.
fn parse_measure(value: &str) -> Result<String, String> {
    if wc::php_trim(value).is_empty() {
        return Ok(String::new());
    }
    let v = wc::parse_number(value)?;
    if v < 0.0 {
        return Err(format!("\"{value}\" is negative"));
    }
    Ok(wc::format_float(v))
}

/// Prices: a non-negative decimal kept as written (`"20"`, `"11.05"`); empty stays empty.
fn parse_price(value: &str) -> Result<String, String> {
    if wc::php_trim(value).is_empty() {
        return Ok(String::new());
    }
    let (text, v) = wc::parse_decimal(value)?;
    if v < 0.0 {
        return Err(format!("\"{value}\" is a negative price"));
    }
    Ok(text)
}

/// Descriptions: the exporter writes line breaks as `\n`; `\\n` stays as written.
fn parse_description(value: &str) -> String {
    value.split("\\\\n").map(|part| part.replace("\\n", "\n")).collect::<Vec<_>>().join("\\\\n")
}

/// `parse_comma_field`: a comma list with `\,` escapes, each value `wc_clean`ed; empty
/// values dropped.
fn parse_comma_field(value: &str) -> Vec<String> {
    if value.is_empty() {
        return Vec::new();
    }
    wc::explode_values(value, ',').iter().map(|v| wc::wc_clean(v)).filter(|v| !v.is_empty()).collect()
}

/// A comma list of names, URLs or references, trimmed, empty entries dropped.
fn explode(value: &str) -> Vec<String> {
    if wc::php_trim(value).is_empty() {
        return Vec::new();
    }
    wc::explode_values(value, ',').into_iter().filter(|v| !v.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        assert!(matches!(classify("Weight (lbs)"), Some(Header::Plain(Col::Weight))));
        assert!(matches!(classify("length (cm)"), Some(Header::Plain(Col::Length))));
        assert!(matches!(classify("Weight"), Some(Header::Plain(Col::Weight))));
        assert!(classify("Weightless").is_none());
        assert!(matches!(classify("Attribute 12 value(s)"), Some(Header::Attr(12, AttrPart::Values))));
        assert!(matches!(classify("attribute 3 default"), Some(Header::Attr(3, AttrPart::Default))));
        assert!(classify("Meta: _wpcom_is_markdown").is_none());
        assert!(classify("Download 1 URL").is_none());
    }

    #[test]
    fn cells() {
        assert_eq!(parse_type("simple, downloadable, virtual"), Ok((ProductType::Simple, true, true)));
        assert_eq!(parse_type("Variation"), Ok((ProductType::Variation, false, false)));
        assert_eq!(parse_type(""), Ok((ProductType::Simple, false, false)));
        assert!(parse_type("bundle").is_err());
        assert_eq!(parse_published("1"), Ok(PostStatus::Publish));
        assert_eq!(parse_published("0"), Ok(PostStatus::Private));
        assert_eq!(parse_published("-1"), Ok(PostStatus::Draft));
        assert!(parse_published("yes please").is_err());
        assert_eq!(parse_description("a\\nb\\\\nc"), "a\nb\\\\nc");
        assert_eq!(parse_comma_field("Blue, Green\\, dark ,  "), vec!["Blue", "Green, dark"]);
    }
}
