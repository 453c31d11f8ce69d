//! The prose of parse errors: pest's "expected these rules, found that" in the analyst's
//! words, with a hint.

use super::Rule;
use crate::diagnostics::{Diag, SourceFile};
use crate::syntax::error::ParseError;
use crate::syntax::keyword::Keyword;
use crate::syntax::span::Span;
use std::sync::Arc;

/// Turn pest's error into the analyst's words.
pub(super) fn parse_error(src: &Arc<SourceFile>, e: pest::error::Error<Rule>) -> Diag {
    use pest::error::{ErrorVariant, InputLocation};
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let text = &src.text;
    let found = describe_found(text, pos);
    let token_len = next_token_len(text, pos);
    let span = Span::new(pos, pos + token_len).into();
    let help = help_for(text, pos, token_len);
    let e = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let expected = expected_words(positives);
            // "expected a value after `*`" reads better than a list when an operator is
            // dangling.
            let before = text[..pos].trim_end();
            match DANGLING.iter().find(|op| before.ends_with(*op)) {
                Some(op) if format!("expected {expected}, found {found}").contains("a value") => {
                    ParseError::ValueAfter {
                        op,
                        found,
                        span,
                        help,
                    }
                }
                _ => ParseError::Syntax {
                    expected,
                    found,
                    span,
                    help,
                },
            }
        }
        ErrorVariant::CustomError { message } if message.contains("call limit") => {
            ParseError::TooLarge { span, help }
        }
        ErrorVariant::CustomError { message } => ParseError::Other {
            message: message.clone(),
            span,
            help,
        },
    };
    Diag::from(e).in_source(src)
}

/// Operators (and words) after which a value must follow, longest spelling first where
/// one ends another.
const DANGLING: [&str; 22] = [
    "==",
    "!=",
    "<=",
    ">=",
    "*",
    "/",
    "+",
    "-",
    "<",
    ">",
    "=",
    ":",
    Keyword::And.text(),
    Keyword::Or.text(),
    Keyword::Not.text(),
    Keyword::Otherwise.text(),
    Keyword::Where.text(),
    Keyword::When.text(),
    Keyword::At.text(),
    // issue 9, conditionals
    Keyword::If.text(),
    Keyword::Then.text(),
    Keyword::Else.text(),
];

/// The keywords a misspelt word is compared with, in this order (the first of equally
/// near ones is suggested).
const SUGGESTED: [Keyword; 23] = [
    Keyword::Plan,
    Keyword::Currency,
    Keyword::Periods,
    Keyword::Rounding,
    Keyword::Input,
    Keyword::Key,
    Keyword::Participants,
    Keyword::Managed,
    Keyword::Credit,
    Keyword::Let,
    Keyword::Kpi,
    Keyword::Payout,
    Keyword::Rates,
    Keyword::Cap,
    Keyword::Floor,
    Keyword::When,
    Keyword::Where,
    Keyword::Otherwise,
    Keyword::And,
    Keyword::Or,
    Keyword::Not,
    // issue 9, conditionals
    Keyword::Then,
    Keyword::Else,
];

fn suggested() -> impl Iterator<Item = &'static str> {
    SUGGESTED.into_iter().map(Keyword::text)
}

fn help_for(text: &str, pos: usize, token_len: usize) -> String {
    let rest = text[pos..].trim_start();
    let token = &text[pos..pos + token_len];
    // issue 9, conditionals: words that were names before `if … then … else …`.
    if [Keyword::If, Keyword::Then, Keyword::Else]
        .iter()
        .any(|k| k.text() == token)
        && !text[..pos].trim_end().ends_with(Keyword::If.text())
    {
        return format!(
            "`{token}` is a reserved word (`if … then … else …`): it cannot name anything; \
             rename it, e.g. `{token}_`"
        );
    }
    // Only words long enough to be a misspelt keyword get a suggestion.
    if token.len() >= 3
        && token.chars().all(|c| c.is_ascii_alphabetic())
        && !suggested().any(|k| k == token)
    {
        if let Some(k) = crate::diagnostics::did_you_mean(token, suggested()) {
            return format!("did you mean `{k}`?");
        }
    }
    if rest.starts_with('=') && !rest.starts_with("==") {
        "to compare, write `==`; to define, write `kpi name = …` at the start of a line".into()
    } else if rest.is_empty() {
        "the plan ends too early: is a `}` missing?".into()
    } else {
        "see docs/language.md for the form of each declaration".into()
    }
}

fn next_token_len(text: &str, pos: usize) -> usize {
    let rest = &text[pos..];
    let first = match rest.chars().next() {
        None => return 0,
        Some(c) => c,
    };
    if first.is_alphanumeric() || first == '_' {
        rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len())
    } else {
        first.len_utf8()
    }
}

fn describe_found(text: &str, pos: usize) -> String {
    let rest = &text[pos..];
    if rest.trim().is_empty() {
        return "the end of the file".into();
    }
    let len = next_token_len(text, pos).max(1);
    let tok: String = rest.chars().take(len.min(30)).collect();
    match tok.as_str() {
        "\n" | "\r" => "the end of the line".into(),
        _ => format!("`{}`", tok.trim()),
    }
}

fn expected_words(rules: &[Rule]) -> String {
    let mut words: Vec<&str> = Vec::new();
    for r in rules {
        let w = rule_words(*r);
        if !words.contains(&w) {
            words.push(w);
        }
    }
    // In a value position a date, a text or a name are all values: say so once.
    if words.contains(&"a value") {
        words.retain(|w| {
            !matches!(
                *w,
                "a name" | "a date like 2026-01-31" | "a quoted text like \"Field Sales\""
            )
        });
    }
    words.sort_by_key(|w| !w.starts_with("a declaration"));
    match words.len() {
        0 => "something else".into(),
        1 => words[0].into(),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
}

fn rule_words(r: Rule) -> &'static str {
    match r {
        Rule::expr
        | Rule::paren
        | Rule::literal
        | Rule::number
        | Rule::percent
        | Rule::money
        | Rule::days
        | Rule::boolean
        | Rule::call
        | Rule::primary
        | Rule::signed_literal
        | Rule::neg
        | Rule::not
        | Rule::arg
        | Rule::rounding_arg
        | Rule::half_mode => "a value",
        Rule::ident => "a name",
        Rule::string => "a quoted text like \"Field Sales\"",
        Rule::currency_code => "a currency code like EUR",
        Rule::date => "a date like 2026-01-31",
        Rule::band_edge => "a band edge like 50%",
        Rule::period_kind => {
            "`weekly`, `biweekly`, `semi-monthly`, `monthly`, `quarterly` or `yearly`"
        }
        Rule::rounding_mode => "a rounding mode (half-even, half-up, half-down, up, down)",
        Rule::type_name | Rule::simple_type | Rule::money_type | Rule::money_kw => {
            "a type (text, bool, integer, number, percent, money, date, days)"
        }
        Rule::optional_mark => "`?`",
        Rule::nonneg_mark => "`>= 0`",
        Rule::may_be_negative | Rule::kw_may => "`may be negative`",
        // issue 10, statements: `statement` is one more declaration
        Rule::timezone_decl | Rule::kw_timezone | Rule::statement_decl | Rule::kw_statement => {
            "a declaration (input, participants, credit, let, kpi, rates, curve, param, fn, payout, cap, floor)"
        }
        // issue 10, statements
        Rule::statement_section | Rule::statement_line => {
            "a statement section: earned, true-up, draw, recovery, clawback, previously paid or balance, then names"
        }
        Rule::utc_offset => "a time zone: an offset from UTC like +01:00 or -05:00, or UTC",
        Rule::currency_decl
        | Rule::periods_decl
        | Rule::periods_listed_decl
        | Rule::rounding_decl
        | Rule::input_decl
        | Rule::participants_decl
        | Rule::credit_decl
        | Rule::let_decl
        | Rule::kpi_decl
        | Rule::rates_decl
        | Rule::payout_decl
        | Rule::limit_decl
        | Rule::decl
        | Rule::limit_kind
        | Rule::kw_cap
        | Rule::kw_floor
        | Rule::kw_currency
        | Rule::kw_periods
        | Rule::kw_rounding
        | Rule::kw_input
        | Rule::kw_participants
        | Rule::kw_credit
        // issue 10, ledger: `paid from TABLE`, rare: not listed in the prose
        | Rule::paid_decl
        | Rule::kw_paid
        | Rule::kw_let
        | Rule::kw_kpi
        | Rule::kw_payout
        | Rule::kw_rates
        | Rule::curve_decl
        | Rule::param_decl
        | Rule::fn_decl
        | Rule::kw_param
        | Rule::kw_fn => {
            "a declaration (input, participants, credit, let, kpi, rates, curve, param, fn, payout, cap, floor)"
        }
        Rule::column_decl => "a column like `amount: money`",
        Rule::band => "a band like `0% .. 50% : 2%`",
        Rule::otherwise
        | Rule::or
        | Rule::and
        | Rule::eq
        | Rule::ne
        | Rule::le
        | Rule::ge
        | Rule::lt
        | Rule::gt
        | Rule::add
        | Rule::sub
        | Rule::mul
        | Rule::div
        | Rule::infix => "an operator",
        Rule::where_clause | Rule::kw_where => "`where`",
        Rule::field => "`.column`",
        Rule::postfix => "`where` or `.column`",
        Rule::EOI => "the end of the file",
        Rule::kw_plan => "`plan \"Name\" {`",

        Rule::kw_from => "`from`",
        Rule::kw_to => "`to`",
        Rule::kw_payouts => "`payouts`",
        Rule::kw_key => "`key`",

        Rule::kw_managed => "`managed by`",
        Rule::kw_by => "`by`",

        // issue 9, reference tables
        Rule::more_key => "`, COLUMN` (another key column)",
        Rule::effective | Rule::kw_effective => "`effective from COLUMN`",

        Rule::kw_when => "`when`",
        // issue 9, conditionals
        Rule::if_expr | Rule::kw_if => "a value",
        Rule::kw_then => "`then`",
        Rule::kw_else => "`else`",
        Rule::kw_at => "`at`",
        // issue 10, calendars
        Rule::week_start | Rule::starting_word => "`starting monday`",
        Rule::weekday => "a weekday (monday … sunday)",
        Rule::fiscal_year | Rule::fiscal_word => "`fiscal year from april`",
        Rule::year_word => "`year`",
        Rule::month_name => "a month (january … december)",
        // issue 10, splits
        Rule::credit_split | Rule::split_word => "`split by TABLE share COLUMN`",
        Rule::share_word => "`share COLUMN`",
        Rule::role_word => "`role COLUMN`",
        Rule::overlay_role | Rule::overlay_word => "`overlay \"ROLE\"`",

        // issue 9, tables
        Rule::closedness | Rule::closed_lo | Rule::closed_hi => "`[lo, hi)` or `(lo, hi]`",
        Rule::grid | Rule::grid_header | Rule::grid_row | Rule::grid_key => {
            "a row of a grid like `80% .. 100% | 500 EUR`"
        }
        Rule::curve_below | Rule::kw_below => "`below: zero`, `hold`, `extrapolate` or `error`",
        Rule::curve_above | Rule::kw_above => "`above: zero`, `hold`, `extrapolate` or `error`",
        Rule::curve_point => "a point like `100% : 100%`",

        _ => "something else",
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::SourceFile;
    use crate::syntax::parse;

    /// The message, label and help of the syntax error in a one-line plan body.
    fn error(body: &str) -> (String, String, String) {
        let src = SourceFile::new("t.plan", format!("plan \"T\" {{\n{body}\n}}\n"));
        let d = parse(&src).expect_err("a syntax error");
        assert_eq!(d.code, "ignition::parse::syntax");
        let label = d.labels.first().map(|l| l.1.clone()).unwrap_or_default();
        (d.message, label, d.help.unwrap_or_default())
    }

    #[test]
    fn a_dangling_operator_is_named() {
        let (message, label, _) = error("kpi x = a *");
        assert_eq!(message, "expected a value after `*`, found `}`");
        assert_eq!(label, "unexpected `}`");
        let (message, ..) = error("kpi x = round(a, 0.01, half-)");
        assert_eq!(message, "expected a value after `-`, found `)`");
    }

    #[test]
    fn a_reference_table_header_is_named_in_words() {
        let (message, ..) = error("input t key a dated { a: text }");
        assert_eq!(
            message,
            "expected `, COLUMN` (another key column) or `effective from COLUMN`, found `dated`"
        );
        let (message, ..) = error("input t dated { a: text }");
        assert_eq!(
            message,
            "expected `key` or `effective from COLUMN`, found `dated`"
        );
        let (message, ..) = error("input t key a effective { a: text }");
        assert_eq!(message, "expected `from`, found `{`");
    }

    #[test]
    fn an_unfinished_if_says_what_is_missing() {
        // issue 9, conditionals
        let (message, ..) = error("kpi x = if a then 1");
        assert_eq!(
            message,
            "expected `.column`, an operator, `where` or `else`, found `}`"
        );
        let (message, ..) = error("kpi x = if a 1 else 2");
        assert!(message.ends_with("or `then`, found `1`"), "{message}");
        let (message, ..) = error("kpi x = if a then 1 else");
        assert_eq!(message, "expected a value after `else`, found `}`");
        // A plan that used `then` as a name is told the word is reserved now.
        let (message, _, help) = error("kpi then = 1");
        assert_eq!(message, "expected a name, found `then`");
        assert_eq!(
            help,
            "`then` is a reserved word (`if … then … else …`): it cannot name anything; \
             rename it, e.g. `then_`"
        );
        let (_, _, help) = error("kpi x = if a thn 1 else 2");
        assert_eq!(help, "did you mean `then`?");
    }

    #[test]
    fn a_misspelt_keyword_gets_a_suggestion() {
        let (message, _, help) = error("kpu x = 1");
        assert!(message.starts_with("expected a declaration"), "{message}");
        assert_eq!(help, "did you mean `kpi`?");
        let (_, _, help) = error("kpi x = 1 kpi y = 2 = 3");
        assert!(help.starts_with("to compare, write `==`"), "{help}");
    }
}
