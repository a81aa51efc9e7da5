//! Numbers as people read them on a screen or a slide: `4.13·10⁵` rather than `4.1306e5`,
//! `1,234,567` rather than `1234567`.

/// Superscript digits and sign for exponents.
fn superscript(exponent: i32) -> String {
    let digits = exponent.unsigned_abs().to_string();
    let mut out = String::new();
    if exponent < 0 {
        out.push('⁻');
    }
    out.extend(digits.chars().map(|d| match d {
        '0' => '⁰',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        '4' => '⁴',
        '5' => '⁵',
        '6' => '⁶',
        '7' => '⁷',
        '8' => '⁸',
        _ => '⁹',
    }));
    out
}

/// `x` with `significant` significant digits: plain between 10⁻³ and 10⁵, else
/// `m·10ᵉ` (so 413 060 → `4.13·10⁵`). NaN and ±∞ are spelled out.
pub fn scientific(x: f64, significant: usize) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    let significant = significant.max(1);
    if x == 0.0 {
        return "0".into();
    }
    let magnitude = x.abs().log10().floor() as i32;
    if (-3..5).contains(&magnitude) {
        let decimals = (significant as i32 - 1 - magnitude).max(0) as usize;
        return minus(format!("{x:.decimals$}"));
    }
    let text = format!("{:.*e}", significant - 1, x);
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    minus(format!("{mantissa}·10{}", superscript(exponent)))
}

/// A typographic minus sign instead of a hyphen.
fn minus(text: String) -> String {
    text.replacen('-', "−", 1)
}

/// A count with thousands separators: 1234567 → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (k, d) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// An axis tick: as short as the value allows, with `·10ᵉ` for very large or small values.
pub fn tick(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let magnitude = x.abs().log10().floor() as i32;
    if (-2..6).contains(&magnitude) {
        let text = format!("{x:.4}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        minus(text.to_owned())
    } else {
        scientific(x, 3)
    }
}

/// Three significant digits, trailing zeros dropped: 0.3375 → `0.338`, 0.2 → `0.2`.
pub fn short(x: f64) -> String {
    let text = scientific(x, 3);
    if text.contains('·') || !text.contains('.') {
        return text;
    }
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scientific_uses_a_centred_dot_and_superscripts() {
        assert_eq!(scientific(413_060.0, 3), "4.13·10⁵");
        assert_eq!(scientific(-0.000_012_5, 2), "−1.3·10⁻⁵");
        assert_eq!(scientific(12.345, 3), "12.3");
        assert_eq!(scientific(0.5, 2), "0.50");
        assert_eq!(scientific(f64::NEG_INFINITY, 2), "−∞");
    }

    #[test]
    fn thousands_groups_by_three() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn short_keeps_three_digits_without_trailing_zeros() {
        assert_eq!(short(0.3375), "0.338");
        assert_eq!(short(0.2), "0.2");
        assert_eq!(short(-1.1441), "−1.14");
        assert_eq!(short(0.0), "0");
    }

    #[test]
    fn ticks_are_short() {
        assert_eq!(tick(0.25), "0.25");
        assert_eq!(tick(200.0), "200");
        assert_eq!(tick(-1.5), "−1.5");
        assert_eq!(tick(2.0e7), "2.00·10⁷");
    }
}
