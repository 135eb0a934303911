-- cartd schema v1 (SQLite). Applied once by `SqliteStore::migrate`, tracked in schema_migrations.

-- One row per cart session (CONTRACT §E.1). cart_value is the serde_json text of the cart;
-- version is the optimistic-concurrency token, bumped by every save.
CREATE TABLE carts (
    cart_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    cart_key     TEXT    NOT NULL UNIQUE CHECK (length(cart_key) <= 42),
    cart_value   TEXT    NOT NULL,
    cart_created INTEGER NOT NULL,
    cart_expiry  INTEGER NOT NULL,
    cart_source  TEXT    NOT NULL,
    cart_hash    TEXT    NOT NULL,
    version      INTEGER NOT NULL
);

CREATE INDEX carts_cart_expiry ON carts (cart_expiry);

-- The catalog read model: one serde_json product (or variation) per row.
CREATE TABLE products (
    id   INTEGER PRIMARY KEY,
    data TEXT    NOT NULL
);

-- The store settings: a single serde_json row.
CREATE TABLE settings (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    data TEXT    NOT NULL
);

-- Small counters; catalog_version is bumped whenever products or settings change.
CREATE TABLE meta (
    key   TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
);

INSERT INTO meta (key, value) VALUES ('catalog_version', 0);
