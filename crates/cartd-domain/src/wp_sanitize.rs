//! WordPress `sanitize_title()` in its `save` context: `remove_accents()` followed by
//! `sanitize_title_with_dashes()`. Product slugs, attribute slugs and term slugs come from it.

use crate::php::strip_tags;

/// WordPress `sanitize_title($title)`: tags stripped, accents removed (`é` → `e`, `ß` → `s`,
/// `æ` → `ae`), lower-cased, other non-ASCII characters percent-encoded (`ц` → `%d1%86`),
/// spaces and `.` and `/` turned into `-`, everything except `[a-z0-9_%-]` dropped, runs of
/// `-` collapsed and trimmed. `"V-Neck T-Shirt"` → `"v-neck-t-shirt"`, `"Tom's"` → `"toms"`.
pub fn sanitize_title(title: &str) -> String {
    sanitize_title_with_dashes(&remove_accents(title))
}

fn sanitize_title_with_dashes(title: &str) -> String {
    let title = strip_tags(title);
    let title = drop_stray_percents(&title);
    let title = utf8_uri_encode(&title.to_lowercase(), 200).to_ascii_lowercase();

    let mut t = title.replace('/', "-");
    if t.contains('&') {
        for from in ["&nbsp;", "&#160;", "&ndash;", "&#8211;", "&mdash;", "&#8212;"] {
            t = t.replace(from, "-");
        }
    }
    if t.contains('%') {
        for from in ["%c2%a0", "%e2%80%93", "%e2%80%94"].iter().chain(WIDE_SPACE_OCTETS) {
            t = t.replace(from, "-");
        }
        for from in STRIPPED_OCTETS {
            t = t.replace(from, "");
        }
        t = t.replace("%c3%97", "x");
    }
    let t = kill_entities(&t).replace('.', "-");

    let mut out = String::with_capacity(t.len());
    let mut last_dash = false;
    for c in t.chars() {
        let c = if c == ' ' { '-' } else { c };
        if !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '%' | '_' | '-')) {
            continue;
        }
        if c == '-' {
            if last_dash {
                continue;
            }
            last_dash = true;
        } else {
            last_dash = false;
        }
        out.push(c);
    }
    out.trim_matches('-').to_string()
}

/// Percent-encoded characters WordPress removes: soft hyphen, ¡ ¿, angle and curly quotes,
/// bullet, © ® ° … ™, acute/grave accents, macron, caron, zero-width characters.
const STRIPPED_OCTETS: &[&str] = &[
    "%c2%ad",
    "%c2%a1",
    "%c2%bf",
    "%c2%ab",
    "%c2%bb",
    "%e2%80%b9",
    "%e2%80%ba",
    "%e2%80%98",
    "%e2%80%99",
    "%e2%80%9c",
    "%e2%80%9d",
    "%e2%80%9a",
    "%e2%80%9b",
    "%e2%80%9e",
    "%e2%80%9f",
    "%e2%80%a2",
    "%c2%a9",
    "%c2%ae",
    "%c2%b0",
    "%e2%80%a6",
    "%e2%84%a2",
    "%c2%b4",
    "%cb%8a",
    "%cc%81",
    "%cd%81",
    "%cc%80",
    "%cc%84",
    "%cc%8c",
    "%e2%80%8b",
    "%e2%80%8c",
    "%e2%80%8d",
    "%e2%80%8e",
    "%e2%80%8f",
    "%e2%80%aa",
    "%e2%80%ab",
    "%e2%80%ac",
    "%e2%80%ad",
    "%e2%80%ae",
    "%ef%bb%bf",
    "%ef%bf%bc",
];

/// Percent-encoded spaces with a width, which become `-`.
const WIDE_SPACE_OCTETS: &[&str] = &[
    "%e2%80%80",
    "%e2%80%81",
    "%e2%80%82",
    "%e2%80%83",
    "%e2%80%84",
    "%e2%80%85",
    "%e2%80%86",
    "%e2%80%87",
    "%e2%80%88",
    "%e2%80%89",
    "%e2%80%8a",
    "%e2%80%a8",
    "%e2%80%a9",
    "%e2%80%af",
];

/// Keep `%` only where it starts an escaped octet (`%2F`).
fn drop_stray_percents(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        let octet = b.len() > i + 2 && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit();
        if c == '%' && !octet {
            continue;
        }
        out.push(c);
    }
    out
}

/// WordPress `utf8_uri_encode($s, $length)`: non-ASCII characters become lower-case `%xx`
/// octets; output stops before it would exceed `length` bytes.
fn utf8_uri_encode(s: &str, length: usize) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            if out.len() + 1 > length {
                break;
            }
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            if out.len() + bytes.len() * 3 > length {
                break;
            }
            for byte in bytes {
                out.push_str(&format!("%{byte:02x}"));
            }
        }
    }
    out
}

/// Remove `&…;` entities (PCRE `/&.+?;/`).
fn kill_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        // At least one character, not a newline, before the `;`.
        let end = after.char_indices().skip(1).find(|&(_, c)| c == ';' || c == '\n').filter(|&(_, c)| c == ';');
        match (after.chars().next(), end) {
            (Some(first), Some((semi, _))) if first != '\n' => rest = &after[semi + 1..],
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// WordPress `remove_accents()` for precomposed Latin letters (Latin-1 Supplement, Latin
/// Extended-A and the Extended-B letters WordPress maps), plus its `€` and `£` entries.
pub(crate) fn remove_accents(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match accent_free(c) {
            Some(plain) => out.push_str(plain),
            None => out.push(c),
        }
    }
    out
}

fn accent_free(c: char) -> Option<&'static str> {
    Some(match c {
        'ª' => "a",
        'º' => "o",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'Æ' => "AE",
        'æ' => "ae",
        'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "C",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'Ð' | 'Ď' | 'Đ' => "D",
        'ð' | 'ď' | 'đ' => "d",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' | 'Ə' => "E",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' | 'ə' => "e",
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "G",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'Ĥ' | 'Ħ' => "H",
        'ĥ' | 'ħ' => "h",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => "I",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'Ĳ' => "IJ",
        'ĳ' => "ij",
        'Ĵ' => "J",
        'ĵ' => "j",
        'Ķ' => "K",
        'ķ' | 'ĸ' => "k",
        'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "L",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'Ñ' | 'Ń' | 'Ņ' | 'Ň' | 'Ŋ' => "N",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŉ' | 'ŋ' => "n",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ŏ' | 'Ő' | 'Ơ' => "O",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ơ' => "o",
        'Œ' => "OE",
        'œ' => "oe",
        'Ŕ' | 'Ŗ' | 'Ř' => "R",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'Ś' | 'Ŝ' | 'Ş' | 'Š' | 'Ș' => "S",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' | 'ſ' | 'ß' => "s",
        'Ţ' | 'Ť' | 'Ŧ' | 'Ț' => "T",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'Þ' => "TH",
        'þ' => "th",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' | 'Ư' => "U",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ư' => "u",
        'Ŵ' => "W",
        'ŵ' => "w",
        'Ý' | 'Ŷ' | 'Ÿ' => "Y",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'ź' | 'ż' | 'ž' => "z",
        '€' => "E",
        '£' => "",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::sanitize_title;

    #[test]
    fn wordpress_examples() {
        assert_eq!(sanitize_title("V-Neck T-Shirt"), "v-neck-t-shirt");
        assert_eq!(sanitize_title("Hoodie with Logo"), "hoodie-with-logo");
        assert_eq!(sanitize_title("  Café  Déjà Vu "), "cafe-deja-vu");
        assert_eq!(sanitize_title("Tom's <b>Shop</b>"), "toms-shop");
        assert_eq!(sanitize_title("Red/Blue"), "red-blue");
        assert_eq!(sanitize_title("v1.2_beta"), "v1-2_beta");
        assert_eq!(sanitize_title("50% off"), "50-off");
        assert_eq!(sanitize_title("a%2Fb"), "a%2fb");
        assert_eq!(sanitize_title("Größe"), "grose");
        assert_eq!(sanitize_title("Цвет"), "%d1%86%d0%b2%d0%b5%d1%82");
        assert_eq!(sanitize_title("“Quoted” — text"), "quoted-text");
        assert_eq!(sanitize_title("3 × 4"), "3-x-4");
        assert_eq!(sanitize_title("Fish &amp; Chips"), "fish-chips");
        assert_eq!(sanitize_title("---"), "");
        assert_eq!(sanitize_title(""), "");
    }

    #[test]
    fn long_titles_are_cut_at_200_bytes() {
        let long = "a".repeat(250);
        assert_eq!(sanitize_title(&long).len(), 200);
    }
}
