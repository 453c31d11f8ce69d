//! Every reserved word of the plan language, with its text: the parser, the formatter and
//! the checker spell keywords through this enum, never as string literals.

/// A word of the language's grammar (`grammar/plan.pest` spells each as a `kw_…` rule or
/// an operator word).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Keyword {
    /// `and`
    And,
    /// `at`
    At,
    /// `be` (`may be negative`)
    Be,
    /// `by`
    By,
    /// `cap`
    Cap,
    /// `containing`
    Containing,
    /// `credit`
    Credit,
    /// `currency`
    Currency,
    /// `data`
    Data,
    /// `effective` (`input T key k effective from d`)
    Effective,
    /// `else` (`if … then … else …`)
    Else,
    /// `error`
    Error,
    /// `expect`
    Expect,
    /// `false`
    False,
    /// `floor`
    Floor,
    /// `fn` (issue 9: a user function)
    Fn,
    /// `for`
    For,
    /// `from`
    From,
    /// `if`
    If,
    /// `in`
    In,
    /// `input`
    Input,
    /// `key`
    Key,
    /// `kpi`
    Kpi,
    /// `let`
    Let,
    /// `managed`
    Managed,
    /// `may`
    May,
    /// `negative`
    Negative,
    /// `not`
    Not,
    /// `or`
    Or,
    /// `otherwise`
    Otherwise,
    /// `param` (issue 9: a plan parameter)
    Param,
    /// `participants`
    Participants,
    /// `paid` (`paid from TABLE`, issue 10)
    Paid,
    /// `payout`
    Payout,
    /// `payouts`
    Payouts,
    /// `periods`
    Periods,
    /// `plan`
    Plan,
    /// `rates`
    Rates,
    /// `rounding`
    Rounding,
    /// `test`
    Test,
    /// `tests`
    Tests,
    /// `then` (`if … then … else …`)
    Then,
    /// `timezone`
    Timezone,
    /// `to`
    To,
    /// `true`
    True,
    /// `when`
    When,
    /// `where`
    Where,
    /// `within`
    Within,
    /// `better` (issue 11, kpi intent)
    Better,
    /// `category` (issue 11, kpi intent)
    Category,
    /// `drivers` (issue 11, causes of a gap)
    Drivers,
    /// `label` (issue 11, kpi intent)
    Label,
    /// `no` (issue 11, kpi intent)
    No,
    /// `of` (issue 11, kpi intent)
    Of,
    /// `statement` (issue 10, statements: the block of a pay statement's lines)
    Statement,
    /// `status` (issue 11, kpi intent)
    Status,
    /// `target` (issue 11, kpi intent)
    Target,
    // issue 9, tables
    /// `curve`
    Curve,
    /// `below` (a curve's rule under its first point)
    Below,
    /// `above` (a curve's rule over its last point)
    Above,
    /// `add` (issue 11, scorecards and cascades)
    Add,
    /// `equally` (issue 11, scorecards and cascades)
    Equally,
    /// `reweights` (issue 11, scorecards and cascades)
    Reweights,
    /// `roll` (issue 11, scorecards and cascades)
    Roll,
    /// `scorecard` (issue 11, scorecards and cascades)
    Scorecard,
    /// `share` (issue 11, scorecards and cascades)
    Share,
    /// `split` (issue 11, scorecards and cascades)
    Split,
    /// `targets` (issue 11, scorecards and cascades)
    Targets,
    /// `weights` (issue 11, scorecards and cascades)
    Weights,
    /// `on` (issue 10, currencies: `paid in … using … on DATE`)
    On,
    /// `using` (issue 10, currencies: `paid in … using T.RATE`)
    Using,
}

impl Keyword {
    /// Every keyword, in alphabetical order.
    pub const ALL: [Keyword; 71] = [
        Keyword::Above,
        Keyword::Add,
        Keyword::And,
        Keyword::At,
        Keyword::Be,
        Keyword::Below,
        Keyword::Better,
        Keyword::By,
        Keyword::Cap,
        Keyword::Category,
        Keyword::Containing,
        Keyword::Credit,
        Keyword::Currency,
        Keyword::Curve,
        Keyword::Data,
        Keyword::Drivers,
        Keyword::Effective,
        Keyword::Else,
        Keyword::Equally,
        Keyword::Error,
        Keyword::Expect,
        Keyword::False,
        Keyword::Floor,
        Keyword::Fn,
        Keyword::For,
        Keyword::From,
        Keyword::If,
        Keyword::In,
        Keyword::Input,
        Keyword::Key,
        Keyword::Kpi,
        Keyword::Label,
        Keyword::Let,
        Keyword::Managed,
        Keyword::May,
        Keyword::Negative,
        Keyword::No,
        Keyword::Not,
        Keyword::Of,
        Keyword::On,
        Keyword::Or,
        Keyword::Otherwise,
        Keyword::Paid,
        Keyword::Param,
        Keyword::Participants,
        Keyword::Payout,
        Keyword::Payouts,
        Keyword::Periods,
        Keyword::Plan,
        Keyword::Rates,
        Keyword::Reweights,
        Keyword::Roll,
        Keyword::Rounding,
        Keyword::Scorecard,
        Keyword::Share,
        Keyword::Split,
        Keyword::Statement,
        Keyword::Status,
        Keyword::Target,
        Keyword::Targets,
        Keyword::Test,
        Keyword::Tests,
        Keyword::Then,
        Keyword::Timezone,
        Keyword::To,
        Keyword::True,
        Keyword::Using,
        Keyword::Weights,
        Keyword::When,
        Keyword::Where,
        Keyword::Within,
    ];

    /// The keyword as written.
    pub const fn text(self) -> &'static str {
        match self {
            Keyword::And => "and",
            Keyword::At => "at",
            Keyword::Be => "be",
            Keyword::By => "by",
            Keyword::Cap => "cap",
            Keyword::Containing => "containing",
            Keyword::Credit => "credit",
            Keyword::Currency => "currency",
            Keyword::Data => "data",
            Keyword::Effective => "effective",
            Keyword::Else => "else",
            Keyword::Error => "error",
            Keyword::Expect => "expect",
            Keyword::False => "false",
            Keyword::Floor => "floor",
            Keyword::Fn => "fn",
            Keyword::For => "for",
            Keyword::From => "from",
            Keyword::If => "if",
            Keyword::In => "in",
            Keyword::Input => "input",
            Keyword::Key => "key",
            Keyword::Kpi => "kpi",
            Keyword::Let => "let",
            Keyword::Managed => "managed",
            Keyword::May => "may",
            Keyword::Negative => "negative",
            Keyword::Not => "not",
            Keyword::Or => "or",
            Keyword::Otherwise => "otherwise",
            Keyword::Param => "param",
            Keyword::Participants => "participants",
            Keyword::Paid => "paid",
            Keyword::Payout => "payout",
            Keyword::Payouts => "payouts",
            Keyword::Periods => "periods",
            Keyword::Plan => "plan",
            Keyword::Rates => "rates",
            Keyword::Rounding => "rounding",
            Keyword::Test => "test",
            Keyword::Tests => "tests",
            Keyword::Then => "then",
            Keyword::Timezone => "timezone",
            Keyword::To => "to",
            Keyword::True => "true",
            Keyword::When => "when",
            Keyword::Where => "where",
            Keyword::Better => "better",
            Keyword::Category => "category",
            Keyword::Drivers => "drivers",
            Keyword::Label => "label",
            Keyword::No => "no",
            Keyword::Of => "of",
            Keyword::Status => "status",
            Keyword::Statement => "statement",
            Keyword::Target => "target",
            Keyword::Within => "within",
            Keyword::Curve => "curve",
            Keyword::Below => "below",
            Keyword::Above => "above",
            Keyword::Add => "add",
            Keyword::Equally => "equally",
            Keyword::Reweights => "reweights",
            Keyword::Roll => "roll",
            Keyword::Scorecard => "scorecard",
            Keyword::Share => "share",
            Keyword::On => "on",
            Keyword::Using => "using",
            Keyword::Split => "split",
            Keyword::Targets => "targets",
            Keyword::Weights => "weights",
        }
    }

    /// The keyword written `text`, if it is one.
    pub fn from_text(text: &str) -> Option<Keyword> {
        Keyword::ALL.iter().copied().find(|k| k.text() == text)
    }

    /// Words that can never be a name (the grammar's `keyword` rule): operators, `when`,
    /// `at`, the booleans and `if`/`then`/`else`.
    pub const fn is_reserved(self) -> bool {
        matches!(
            self,
            Keyword::And
                | Keyword::Or
                | Keyword::Not
                | Keyword::Where
                | Keyword::Otherwise
                | Keyword::When
                | Keyword::True
                | Keyword::False
                | Keyword::At
                // issue 9, conditionals
                | Keyword::If
                | Keyword::Then
                | Keyword::Else
        )
    }

    /// Words that start a declaration or a line of a test (where the parser's count of
    /// nested `where` clauses starts again).
    pub const fn starts_line(self) -> bool {
        matches!(
            self,
            Keyword::Let
                | Keyword::Kpi
                | Keyword::Payout
                | Keyword::Cap
                | Keyword::Floor
                | Keyword::Rates
                | Keyword::Curve
                | Keyword::Input
                | Keyword::Participants
                | Keyword::Credit
                | Keyword::Paid
                | Keyword::Currency
                | Keyword::Periods
                | Keyword::Rounding
                | Keyword::Test
                | Keyword::Expect
                | Keyword::Data
                | Keyword::Plan
                | Keyword::Tests
                | Keyword::Param
                | Keyword::Fn
                | Keyword::Timezone
                | Keyword::Scorecard
                | Keyword::Statement
        )
    }
}

impl std::fmt::Display for Keyword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRAMMAR: &str = include_str!("../../grammar/plan.pest");

    #[test]
    fn texts_round_trip_and_are_sorted() {
        for k in Keyword::ALL {
            assert_eq!(Keyword::from_text(k.text()), Some(k));
        }
        assert!(Keyword::ALL.windows(2).all(|w| w[0].text() < w[1].text()));
        assert_eq!(Keyword::from_text("quota"), None);
    }

    #[test]
    fn every_keyword_is_in_the_grammar_and_every_kw_rule_is_a_keyword() {
        for k in Keyword::ALL {
            assert!(GRAMMAR.contains(&format!("\"{}\"", k.text())), "{k}");
        }
        for line in GRAMMAR.lines() {
            if let Some(rest) = line.strip_prefix("kw_") {
                let name = rest.split_whitespace().next().unwrap_or_default();
                assert!(Keyword::from_text(name).is_some(), "kw_{name}");
            }
        }
        // The grammar's `keyword` rule: the words that are never names.
        let start = GRAMMAR.find("keyword    = @{").unwrap_or_default();
        let rule = &GRAMMAR[start..];
        let rule = &rule[..rule.find('}').unwrap_or(rule.len())];
        for k in Keyword::ALL {
            assert_eq!(
                rule.contains(&format!("\"{}\"", k.text())),
                k.is_reserved(),
                "{k}"
            );
        }
    }
}
