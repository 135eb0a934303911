-- cartd schema v2 (SQLite): registered users and WooCommerce REST API keys.

-- WordPress `wp_users` plus the WooCommerce customer data the cart needs. The id is the
-- WordPress user id and a customer's cart key, so it is given explicitly (settings file) or
-- assigned as max(id) + 1 by the store; never reused by AUTOINCREMENT bookkeeping.
-- Logins and e-mails are unique ignoring ASCII case, as WordPress looks them up.
-- roles is a JSON list of role slugs; billing and shipping are serde_json addresses.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY CHECK (id >= 1),
    login         TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (login <> ''),
    email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT    NOT NULL,
    nicename      TEXT    NOT NULL,
    roles         TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    billing       TEXT    NOT NULL,
    shipping      TEXT    NOT NULL
);

-- WooCommerce `woocommerce_api_keys`: only the HMAC-SHA256 of the consumer key is kept
-- (`wc_api_hash`), with the secret and the key's last seven characters for display.
CREATE TABLE api_keys (
    key_id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id           INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    description       TEXT    NOT NULL,
    permissions       TEXT    NOT NULL CHECK (permissions IN ('read', 'write', 'read_write')),
    consumer_key_hash TEXT    NOT NULL UNIQUE,
    consumer_secret   TEXT    NOT NULL,
    truncated_key     TEXT    NOT NULL,
    last_access       INTEGER NULL
);

CREATE INDEX api_keys_user_id ON api_keys (user_id);
