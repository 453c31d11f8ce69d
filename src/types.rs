//! Types with units: what the checker proves about every expression before data is read.

use std::fmt;

/// The type of a value (or of a column).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// Text.
    Text,
    /// true / false.
    Bool,
    /// Whole numbers (counts).
    Integer,
    /// Dimensionless decimals.
    Number,
    /// A number shown as a percentage (stored as a fraction).
    Percent,
    /// An amount in a currency.
    Money(String),
    /// issue 10, currencies: an amount in the currency named by a text column of its own
    /// row (`amount: money in currency`): each row may have another currency, so it is
    /// added to nothing and aggregated by nothing until `convert` makes it one currency.
    MoneyIn {
        /// The table.
        table: String,
        /// Its text column naming each row's currency.
        column: String,
    },
    /// A calendar day.
    Date,
    /// A number of days.
    Days,
    /// An expression that already failed to check: suppresses follow-on errors.
    Error,
}

impl Type {
    /// Integer, number or percent: the dimensionless quantities.
    pub fn is_scalar(&self) -> bool {
        matches!(self, Type::Integer | Type::Number | Type::Percent)
    }

    /// Anything that can be added up.
    pub fn is_numeric(&self) -> bool {
        self.is_scalar() || matches!(self, Type::Money(_) | Type::Days)
    }

    /// Whether values of the two types can be compared or used in place of one another.
    pub fn compatible(&self, other: &Type) -> bool {
        self == other
            || (self.is_scalar() && other.is_scalar())
            || *self == Type::Error
            || *other == Type::Error
    }

    /// Article and name, for messages: "a money amount in EUR".
    pub fn described(&self) -> String {
        match self {
            Type::Text => "text".into(),
            Type::Bool => "a yes/no value".into(),
            Type::Integer => "an integer".into(),
            Type::Number => "a number".into(),
            Type::Percent => "a percent".into(),
            Type::Money(c) => format!("money in {c}"),
            Type::MoneyIn { table, column } => format!("money in the currency of {table}.{column}"),
            Type::Date => "a date".into(),
            Type::Days => "a number of days".into(),
            Type::Error => "an invalid value".into(),
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Text => f.write_str("text"),
            Type::Bool => f.write_str("bool"),
            Type::Integer => f.write_str("integer"),
            Type::Number => f.write_str("number"),
            Type::Percent => f.write_str("percent"),
            Type::Money(c) => write!(f, "money({c})"),
            Type::MoneyIn { column, .. } => write!(f, "money in {column}"),
            Type::Date => f.write_str("date"),
            Type::Days => f.write_str("days"),
            Type::Error => f.write_str("error"),
        }
    }
}
