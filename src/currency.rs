//! issue 10, currencies: the ISO 4217 currencies a participant can be paid in, with the
//! number of decimals ("minor unit") an amount of each is paid to: JPY 0, EUR 2, BHD 3.
//!
//! Source: ISO 4217 list one (active codes), as published by SIX on behalf of ISO
//! (<https://www.six-group.com/en/products-services/financial-information/data-standards.html>),
//! amendment 179 (2025). Funds and precious-metal codes without a minor unit (XAU, XDR, XXX …)
//! are left out: nobody is paid in them. The table is sorted by code (a test checks it), so a
//! lookup is a binary search.

/// Codes and their minor units, sorted by code.
const MINOR_UNITS: &[(&str, u32)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("ANG", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BOV", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHE", 2),
    ("CHF", 2),
    ("CHW", 2),
    ("CLF", 4),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("COU", 2),
    ("CRC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("FKP", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GIP", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KPW", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KYD", 2),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MXV", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SHP", 2),
    ("SLE", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SVC", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("USN", 2),
    ("UYI", 0),
    ("UYU", 2),
    ("UYW", 4),
    ("UZS", 2),
    ("VED", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XCG", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
    ("ZWL", 2),
];

/// The decimals an amount in `code` is paid to, or `None` when `code` is not an ISO 4217
/// currency one can be paid in.
pub fn minor_unit(code: &str) -> Option<u32> {
    MINOR_UNITS
        .binary_search_by(|(c, _)| (*c).cmp(code))
        .ok()
        .map(|i| MINOR_UNITS[i].1)
}

/// The smallest amount of a currency with `decimals` minor digits: 1, 0.01, 0.001.
pub fn increment(decimals: u32) -> rust_decimal::Decimal {
    rust_decimal::Decimal::new(1, decimals)
}

/// The codes closest to `code` (same first two letters, or same last two), for a hint.
pub fn near(code: &str) -> Vec<&'static str> {
    let up = code.to_ascii_uppercase();
    if minor_unit(&up).is_some() && up != code {
        return vec![
            MINOR_UNITS[MINOR_UNITS
                .binary_search_by(|(c, _)| (*c).cmp(up.as_str()))
                .unwrap_or(0)]
            .0,
        ];
    }
    let (head, tail) = (up.get(..2).unwrap_or(""), up.get(1..).unwrap_or(""));
    MINOR_UNITS
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| !head.is_empty() && (c.starts_with(head) || c.ends_with(tail)))
        .take(4)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_each_code_is_three_capitals() {
        assert!(MINOR_UNITS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(MINOR_UNITS
            .iter()
            .all(|(c, _)| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())));
    }

    #[test]
    fn minor_units_of_the_usual_and_the_unusual() {
        assert_eq!(minor_unit("JPY"), Some(0));
        assert_eq!(minor_unit("EUR"), Some(2));
        assert_eq!(minor_unit("GBP"), Some(2));
        assert_eq!(minor_unit("USD"), Some(2));
        assert_eq!(minor_unit("BHD"), Some(3));
        assert_eq!(minor_unit("KWD"), Some(3));
        assert_eq!(minor_unit("CLF"), Some(4));
        assert_eq!(minor_unit("XAU"), None);
        assert_eq!(minor_unit("usd"), None);
        assert_eq!(minor_unit("EURO"), None);
        assert_eq!(increment(0).to_string(), "1");
        assert_eq!(increment(3).to_string(), "0.001");
    }

    #[test]
    fn near_codes_for_a_hint() {
        assert_eq!(near("gbp"), vec!["GBP"]);
        assert!(near("GBR").contains(&"GBP"));
        assert!(near("").is_empty());
    }
}
