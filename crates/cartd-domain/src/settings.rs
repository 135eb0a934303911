//! Store settings: the WooCommerce options the cart depends on (CONTRACT §J.0.6), tax rates,
//! shipping zones, coupons and the users declared with the store. This is also the shape of the TOML settings file; every field
//! has WooCommerce's default so a file only needs what differs.

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize};

use crate::cart::Address;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub store: StoreIdentity,
    pub currency: Currency,
    pub units: Units,
    pub customer: CustomerDefaults,
    /// URL shown as `featured_image` for products without an image.
    pub placeholder_image: String,
    pub tax: TaxSettings,
    pub shipping: ShippingSettings,
    pub coupons: CouponSettings,
    /// Users declared with the store (`[[users]]`), imported into the user store by
    /// `cartd import settings`; not kept with the stored settings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<SettingsUser>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            store: StoreIdentity::default(),
            currency: Currency::default(),
            units: Units::default(),
            customer: CustomerDefaults::default(),
            placeholder_image: "http://127.0.0.1:8080/wp-content/uploads/woocommerce-placeholder.png".into(),
            tax: TaxSettings::default(),
            shipping: ShippingSettings::default(),
            coupons: CouponSettings::default(),
            users: Vec::new(),
        }
    }
}

impl Settings {
    /// The store base country (`US` of `US:CA`).
    pub fn base_country(&self) -> &str {
        self.store.address.country.split(':').next().unwrap_or("")
    }

    /// The store base state (`CA` of `US:CA`), `""` when none.
    pub fn base_state(&self) -> &str {
        self.store.address.country.split_once(':').map(|(_, s)| s).unwrap_or("")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreIdentity {
    pub title: String,
    pub description: String,
    /// Site/home URL without a trailing slash; REST links and the cookie name derive from it.
    pub home_url: String,
    pub language: String,
    /// IANA zone name, or `""` when a manual UTC offset is used.
    pub timezone: String,
    /// Hours from UTC as WordPress stores it (a string, e.g. `"0"`, `"5.5"`).
    pub gmt_offset: String,
    pub address: StoreAddress,
}

impl Default for StoreIdentity {
    fn default() -> Self {
        StoreIdentity {
            title: "cartd".into(),
            description: "Just another cartd store".into(),
            home_url: "http://127.0.0.1:8080".into(),
            language: "en-US".into(),
            timezone: String::new(),
            gmt_offset: "0".into(),
            address: StoreAddress::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreAddress {
    pub address: String,
    pub address_2: String,
    pub city: String,
    /// `CC` or `CC:ST` (WooCommerce `woocommerce_default_country`).
    pub country: String,
    pub postcode: String,
}

impl Default for StoreAddress {
    fn default() -> Self {
        StoreAddress {
            address: String::new(),
            address_2: String::new(),
            city: String::new(),
            country: "US:CA".into(),
            postcode: String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CurrencyPosition {
    Left,
    Right,
    LeftSpace,
    RightSpace,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Currency {
    pub code: String,
    pub symbol: String,
    pub position: CurrencyPosition,
    pub thousand_separator: String,
    pub decimal_separator: String,
    pub decimals: u32,
}

impl Default for Currency {
    fn default() -> Self {
        Currency {
            code: "USD".into(),
            symbol: "$".into(),
            position: CurrencyPosition::Left,
            thousand_separator: ",".into(),
            decimal_separator: ".".into(),
            decimals: 2,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Units {
    pub weight: String,
    pub dimension: String,
}

impl Default for Units {
    fn default() -> Self {
        Units { weight: "kg".into(), dimension: "cm".into() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefaultCustomerAddress {
    /// New customers start at the store's base country and state.
    Base,
    /// New customers start without a location (no tax until they give one).
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CustomerDefaults {
    pub default_address: DefaultCustomerAddress,
}

impl Default for CustomerDefaults {
    fn default() -> Self {
        CustomerDefaults { default_address: DefaultCustomerAddress::Base }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxBasedOn {
    Shipping,
    Billing,
    Base,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxDisplay {
    Excl,
    Incl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxTotalDisplay {
    Itemized,
    Single,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaxSettings {
    pub enabled: bool,
    pub prices_include_tax: bool,
    pub based_on: TaxBasedOn,
    pub round_at_subtotal: bool,
    pub display_cart: TaxDisplay,
    pub total_display: TaxTotalDisplay,
    /// `"inherit"` (from the cart's items), `""` (standard) or a class slug.
    pub shipping_tax_class: String,
    /// Additional tax class names (the standard class always exists), e.g. "Reduced rate".
    pub classes: Vec<String>,
    pub rates: Vec<TaxRate>,
}

impl Default for TaxSettings {
    fn default() -> Self {
        TaxSettings {
            enabled: false,
            prices_include_tax: false,
            based_on: TaxBasedOn::Shipping,
            round_at_subtotal: false,
            display_cart: TaxDisplay::Excl,
            total_display: TaxTotalDisplay::Itemized,
            shipping_tax_class: "inherit".into(),
            classes: vec!["Reduced rate".into(), "Zero rate".into()],
            rates: Vec::new(),
        }
    }
}

/// One row of WooCommerce's tax-rate table, with its id kept: rate ids appear on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaxRate {
    pub id: u64,
    /// Upper-case ISO country, `""` for all.
    pub country: String,
    /// Upper-case state code, `""` for all.
    pub state: String,
    /// Postcode patterns: exact, wildcard (`941*`) or range (`90210...99000`).
    pub postcodes: Vec<String>,
    pub cities: Vec<String>,
    /// Percent as entered, e.g. `"10.0000"`.
    pub rate: String,
    pub name: String,
    pub priority: u32,
    pub compound: bool,
    pub shipping: bool,
    /// Tax class slug, `""` for standard.
    pub class: String,
    pub order: i64,
}

impl Default for TaxRate {
    fn default() -> Self {
        TaxRate {
            id: 0,
            country: String::new(),
            state: String::new(),
            postcodes: Vec::new(),
            cities: Vec::new(),
            rate: "0".into(),
            name: "Tax".into(),
            priority: 1,
            compound: false,
            shipping: true,
            class: String::new(),
            order: 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShipTo {
    /// Ship to every country the store sells to.
    All,
    /// Only the listed countries.
    Specific,
    /// Shipping is off: no packages, `needs_shipping` false.
    Disabled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShippingSettings {
    pub ship_to: ShipTo,
    /// With `ship_to = "specific"`: the allowed country codes.
    pub countries: Vec<String>,
    pub cost_requires_address: bool,
    /// Shipping class slugs known to the store (flat-rate class costs refer to them).
    pub classes: Vec<String>,
    pub zones: Vec<ShippingZone>,
}

impl Default for ShippingSettings {
    fn default() -> Self {
        ShippingSettings {
            ship_to: ShipTo::All,
            countries: Vec::new(),
            cost_requires_address: false,
            classes: Vec::new(),
            zones: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShippingZone {
    /// Zone id; 0 is "Locations not covered by your other zones".
    pub id: u64,
    pub name: String,
    pub order: i64,
    /// Country codes (`US`).
    pub countries: Vec<String>,
    /// `CC:ST` codes (`US:CA`).
    pub states: Vec<String>,
    /// Continent codes (`NA`, `EU`).
    pub continents: Vec<String>,
    /// Postcode patterns (J.10.3).
    pub postcodes: Vec<String>,
    pub methods: Vec<ShippingMethod>,
}

impl Default for ShippingZone {
    fn default() -> Self {
        ShippingZone {
            id: 0,
            name: "Locations not covered by your other zones".into(),
            order: 0,
            countries: Vec::new(),
            states: Vec::new(),
            continents: Vec::new(),
            postcodes: Vec::new(),
            methods: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShippingMethod {
    /// Instance id; the rate id is `{method}:{instance_id}`.
    pub instance_id: u64,
    pub method: MethodKind,
    pub enabled: bool,
    pub order: i64,
    /// Defaults to the method's WooCommerce title when empty.
    pub title: String,
    pub tax_status: MethodTaxStatus,
    /// Flat rate: cost expression (`"10 + [qty] * 2"`); local pickup: cost as entered.
    pub cost: String,
    /// Flat rate: class slug → cost expression.
    pub class_costs: IndexMap<String, String>,
    /// Flat rate: cost for items without a shipping class.
    pub no_class_cost: String,
    /// Flat rate: `class` (per class) or `order` (most expensive class).
    pub calculation_type: FlatRateCalc,
    /// Free shipping requirement.
    pub requires: FreeShippingRequires,
    pub min_amount: String,
    pub ignore_discounts: bool,
}

impl Default for ShippingMethod {
    fn default() -> Self {
        ShippingMethod {
            instance_id: 0,
            method: MethodKind::FlatRate,
            enabled: true,
            order: 0,
            title: String::new(),
            tax_status: MethodTaxStatus::Taxable,
            cost: String::new(),
            class_costs: IndexMap::new(),
            no_class_cost: String::new(),
            calculation_type: FlatRateCalc::Class,
            requires: FreeShippingRequires::None,
            min_amount: "0".into(),
            ignore_discounts: false,
        }
    }
}

impl ShippingMethod {
    pub fn title(&self) -> &str {
        if !self.title.is_empty() {
            return &self.title;
        }
        match self.method {
            MethodKind::FlatRate => "Flat rate",
            MethodKind::FreeShipping => "Free shipping",
            MethodKind::LocalPickup => "Local pickup",
        }
    }

    pub fn rate_id(&self) -> String {
        format!("{}:{}", self.method.as_str(), self.instance_id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodKind {
    FlatRate,
    FreeShipping,
    LocalPickup,
}

impl MethodKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MethodKind::FlatRate => "flat_rate",
            MethodKind::FreeShipping => "free_shipping",
            MethodKind::LocalPickup => "local_pickup",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodTaxStatus {
    Taxable,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlatRateCalc {
    Class,
    Order,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FreeShippingRequires {
    /// Always available.
    None,
    Coupon,
    MinAmount,
    Either,
    Both,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CouponSettings {
    pub enabled: bool,
    pub calc_discounts_sequentially: bool,
    pub list: Vec<Coupon>,
}

impl Default for CouponSettings {
    fn default() -> Self {
        CouponSettings { enabled: true, calc_discounts_sequentially: false, list: Vec::new() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiscountType {
    Percent,
    FixedCart,
    FixedProduct,
}

/// Coupon data (J.8.1). Stored and validated now; applying coupons is a later feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Coupon {
    pub code: String,
    pub discount_type: DiscountType,
    pub amount: String,
    /// Unix seconds.
    pub date_expires: Option<i64>,
    pub individual_use: bool,
    pub product_ids: Vec<u64>,
    pub excluded_product_ids: Vec<u64>,
    pub product_categories: Vec<String>,
    pub excluded_product_categories: Vec<String>,
    pub exclude_sale_items: bool,
    pub minimum_amount: String,
    pub maximum_amount: String,
    pub usage_limit: u64,
    pub usage_limit_per_user: u64,
    pub limit_usage_to_x_items: Option<u64>,
    pub free_shipping: bool,
    pub email_restrictions: Vec<String>,
}

impl Default for Coupon {
    fn default() -> Self {
        Coupon {
            code: String::new(),
            discount_type: DiscountType::FixedCart,
            amount: "0".into(),
            date_expires: None,
            individual_use: false,
            product_ids: Vec::new(),
            excluded_product_ids: Vec::new(),
            product_categories: Vec::new(),
            excluded_product_categories: Vec::new(),
            exclude_sale_items: false,
            minimum_amount: String::new(),
            maximum_amount: String::new(),
            usage_limit: 0,
            usage_limit_per_user: 0,
            limit_usage_to_x_items: None,
            free_shipping: false,
            email_restrictions: Vec::new(),
        }
    }
}

/// A user of the settings file, with an explicit id: a customer's cart key is their id, so it
/// must not change between imports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SettingsUser {
    /// WordPress user id, 1 or more (required).
    pub id: u64,
    pub login: String,
    pub email: String,
    /// Empty: the login.
    pub display_name: String,
    /// `administrator`, `shop_manager` or `customer`.
    pub role: String,
    /// An argon2id, phpass (`$P$`), WordPress bcrypt (`$wp$2y$`) or bcrypt hash; never a
    /// plain password.
    pub password_hash: String,
    #[serde(deserialize_with = "partial_address")]
    pub billing: Address,
    #[serde(deserialize_with = "partial_address")]
    pub shipping: Address,
}

impl Default for SettingsUser {
    fn default() -> Self {
        SettingsUser {
            id: 0,
            login: String::new(),
            email: String::new(),
            display_name: String::new(),
            role: "customer".into(),
            password_hash: String::new(),
            billing: Address::default(),
            shipping: Address::default(),
        }
    }
}

/// An [`Address`] in which every field may be left out (and no unknown field is accepted).
fn partial_address<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Address, D::Error> {
    #[derive(Default, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    struct Partial {
        first_name: String,
        last_name: String,
        company: String,
        country: String,
        address_1: String,
        address_2: String,
        city: String,
        state: String,
        postcode: String,
        phone: String,
        email: String,
    }
    let p = Partial::deserialize(deserializer)?;
    Ok(Address {
        first_name: p.first_name,
        last_name: p.last_name,
        company: p.company,
        country: p.country,
        address_1: p.address_1,
        address_2: p.address_2,
        city: p.city,
        state: p.state,
        postcode: p.postcode,
        phone: p.phone,
        email: p.email,
    })
}
