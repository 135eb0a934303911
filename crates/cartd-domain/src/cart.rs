//! The cart aggregate: the persisted session data of one cart (CONTRACT §E.6) — its lines,
//! removed lines, notice queue, customer address and shipping choice.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalog::ProductId;
use crate::settings::{DefaultCustomerAddress, Settings};
use crate::totals::TaxMap;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LineTaxData {
    pub subtotal: TaxMap,
    pub total: TaxMap,
}

/// One cart line, as WooCommerce keeps it in the session (no product object).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartLine {
    pub key: String,
    pub product_id: ProductId,
    pub variation_id: ProductId,
    /// `attribute_…` → value, in parent attribute order.
    pub variation: IndexMap<String, String>,
    pub quantity: f64,
    pub data_hash: String,
    /// Custom item data, in posted order, with its JSON types.
    pub item_data: IndexMap<String, Value>,
    pub line_tax_data: LineTaxData,
    pub line_subtotal: f64,
    pub line_subtotal_tax: f64,
    pub line_total: f64,
    pub line_tax: f64,
}

impl CartLine {
    /// The product the line is for: the variation when there is one.
    pub fn product_ref(&self) -> ProductId {
        if self.variation_id != 0 { self.variation_id } else { self.product_id }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoticeKind {
    Error,
    Success,
    Notice,
    Info,
}

/// The per-session notice queue (§C.1.5).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Notices {
    pub error: Vec<String>,
    pub success: Vec<String>,
    pub notice: Vec<String>,
    pub info: Vec<String>,
}

impl Notices {
    pub fn push(&mut self, kind: NoticeKind, message: impl Into<String>) {
        let list = match kind {
            NoticeKind::Error => &mut self.error,
            NoticeKind::Success => &mut self.success,
            NoticeKind::Notice => &mut self.notice,
            NoticeKind::Info => &mut self.info,
        };
        list.push(message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.error.is_empty() && self.success.is_empty() && self.notice.is_empty() && self.info.is_empty()
    }

    /// The non-empty kinds in wire order: error, success, notice, info.
    pub fn by_kind(&self) -> impl Iterator<Item = (&'static str, &[String])> {
        [("error", &self.error), ("success", &self.success), ("notice", &self.notice), ("info", &self.info)]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k, v.as_slice()))
    }

    pub fn clear(&mut self) {
        *self = Notices::default();
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Address {
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub country: String,
    pub address_1: String,
    pub address_2: String,
    pub city: String,
    pub state: String,
    pub postcode: String,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Customer {
    pub billing: Address,
    pub shipping: Address,
}

impl Customer {
    /// A new guest: the store base country and state, or nothing (§J.10.1).
    pub fn default_for(settings: &Settings) -> Customer {
        let mut customer = Customer::default();
        if settings.customer.default_address == DefaultCustomerAddress::Base {
            for address in [&mut customer.billing, &mut customer.shipping] {
                address.country = settings.base_country().to_string();
                address.state = settings.base_state().to_string();
            }
        }
        customer
    }

    /// A signed-in customer: their saved addresses, completed like WooCommerce's session
    /// `set_defaults`: no billing country takes the default location, no shipping country
    /// takes the billing one, no billing e-mail takes the account's.
    pub fn for_account(billing: &Address, shipping: &Address, account_email: &str, settings: &Settings) -> Customer {
        let defaults = Customer::default_for(settings);
        let mut customer = Customer { billing: billing.clone(), shipping: shipping.clone() };
        if customer.billing.country.is_empty() {
            customer.billing.country = defaults.billing.country;
            if customer.billing.state.is_empty() {
                customer.billing.state = defaults.billing.state;
            }
        }
        if customer.shipping.country.is_empty() {
            customer.shipping.country = customer.billing.country.clone();
        }
        if customer.billing.email.is_empty() {
            customer.billing.email = account_email.to_string();
        }
        customer
    }
}

/// The session data of one cart.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Cart {
    pub lines: IndexMap<String, CartLine>,
    pub removed: IndexMap<String, CartLine>,
    pub notices: Notices,
    pub applied_coupons: Vec<String>,
    /// Package index → chosen rate id.
    pub chosen_shipping_methods: Vec<String>,
    pub customer: Customer,
}

impl Cart {
    pub fn new(settings: &Settings) -> Cart {
        Cart { customer: Customer::default_for(settings), ..Cart::default() }
    }

    /// WooCommerce's cart contents count: Σ line quantities.
    pub fn item_count(&self) -> f64 {
        self.lines.values().fold(0.0, |sum, l| sum + l.quantity)
    }

    pub fn removed_count(&self) -> f64 {
        self.removed.values().fold(0.0, |sum, l| sum + l.quantity)
    }

    /// The §C.1.3 empty rule: no quantity and no removed items.
    pub fn is_empty(&self) -> bool {
        self.item_count() <= 0.0 && self.removed.is_empty()
    }
}
