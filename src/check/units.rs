//! Type and unit rules of the operators.

use crate::syntax::ast::BinOp;
use crate::types::Type;

/// A rule violation: the message and a hint.
pub struct UnitError {
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: String,
}

fn err(message: String, help: impl Into<String>) -> UnitError {
    UnitError {
        message,
        help: help.into(),
    }
}

/// The result type of `l op r`, or why the combination makes no sense.
pub fn binary(op: BinOp, l: &Type, r: &Type) -> Result<Type, UnitError> {
    use Type::*;
    if *l == Error || *r == Error {
        return Ok(Error);
    }
    // issue 10, currencies: an amount in its row's currency.
    if matches!(l, MoneyIn { .. }) || matches!(r, MoneyIn { .. }) {
        return money_in(op, l, r);
    }
    match op {
        BinOp::Add | BinOp::Sub => match (l, r) {
            (Money(a), Money(b)) if a == b => Ok(Money(a.clone())),
            (Money(a), Money(b)) => Err(err(
                format!("cannot {} {a} and {b}", verb(op)),
                "amounts in different currencies need an explicit conversion",
            )),
            (Money(c), s) | (s, Money(c)) if s.is_scalar() => Err(err(
                format!(
                    "cannot {} money and {}",
                    verb(op),
                    s.described()
                        .trim_start_matches("a ")
                        .trim_start_matches("an ")
                ),
                if *s == Percent {
                    format!("to take a share of an amount, multiply: `amount * 20%`; to add an amount, write it with its currency, e.g. `300 {c}`")
                } else {
                    format!("write the amount with its currency, e.g. `300 {c}`")
                },
            )),
            (a, b) if a.is_scalar() && b.is_scalar() => Ok(scalar_sum(a, b)),
            (Date, Date) if op == BinOp::Sub => Ok(Days),
            (Date, Days) => Ok(Date),
            (Days, Date) if op == BinOp::Add => Ok(Date),
            (Days, Days) => Ok(Days),
            (Days, s) | (s, Days) if s.is_scalar() => Err(err(
                format!("cannot {} days and {}", verb(op), s.described()),
                "write a number of days with its unit, e.g. `30 days`",
            )),
            _ => Err(mismatch(op, l, r)),
        },
        BinOp::Mul => match (l, r) {
            (Money(c), s) | (s, Money(c)) if s.is_scalar() => Ok(Money(c.clone())),
            (Money(_), Money(_)) => Err(err(
                "cannot multiply money by money".into(),
                "multiply an amount by a rate or a count, e.g. `bookings * 2%`",
            )),
            (Integer, Integer) => Ok(Integer),
            (Percent, Percent) | (Integer, Percent) | (Percent, Integer) => Ok(Percent),
            (a, b) if a.is_scalar() && b.is_scalar() => Ok(Number),
            (Days, s) | (s, Days) if s.is_scalar() => Ok(Days),
            _ => Err(mismatch(op, l, r)),
        },
        BinOp::Div => match (l, r) {
            (Money(a), Money(b)) if a == b => Ok(Number),
            (Money(a), Money(b)) => Err(err(
                format!("cannot divide {a} by {b}"),
                "amounts in different currencies need an explicit conversion",
            )),
            (Money(c), s) if s.is_scalar() => Ok(Money(c.clone())),
            (s, Money(_)) if s.is_scalar() => Err(err(
                format!("cannot divide {} by money", s.described()),
                "divide an amount by a number, or an amount by an amount to get a ratio",
            )),
            (Percent, Integer) | (Percent, Number) => Ok(Percent),
            (a, b) if a.is_scalar() && b.is_scalar() => Ok(Number),
            (Days, Days) => Ok(Number),
            (Days, s) if s.is_scalar() => Ok(Days),
            _ => Err(mismatch(op, l, r)),
        },
        BinOp::Eq | BinOp::Ne => {
            if l.compatible(r) {
                Ok(Bool)
            } else {
                Err(compare_mismatch(l, r))
            }
        }
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            if !l.compatible(r) {
                return Err(compare_mismatch(l, r));
            }
            match l {
                Text | Bool => Err(err(
                    format!("cannot order {} with `{}`", l.described(), op.symbol()),
                    "text and yes/no values can only be compared with `==` and `!=`",
                )),
                _ => Ok(Bool),
            }
        }
        BinOp::And | BinOp::Or => {
            if *l == Bool && *r == Bool {
                Ok(Bool)
            } else {
                let bad = if *l != Bool { l } else { r };
                Err(err(
                    format!(
                        "`{}` needs yes/no values on both sides, found {}",
                        op.symbol(),
                        bad.described()
                    ),
                    "write a condition, e.g. `attainment >= 25%`",
                ))
            }
        }
    }
}

/// issue 10, currencies: `l op r` where a side is money in its row's currency. Two amounts
/// of one row share the row's currency (one evaluation reads one row), so they add, compare
/// and divide; a scalar scales one. Anything else needs a conversion first.
fn money_in(op: BinOp, l: &Type, r: &Type) -> Result<Type, UnitError> {
    use Type::*;
    let same = l == r;
    match op {
        BinOp::Add | BinOp::Sub if same => Ok(l.clone()),
        BinOp::Mul if r.is_scalar() => Ok(l.clone()),
        BinOp::Mul if l.is_scalar() => Ok(r.clone()),
        BinOp::Div if same => Ok(Number),
        BinOp::Div if r.is_scalar() => Ok(l.clone()),
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge if same => Ok(Bool),
        _ => {
            let ((MoneyIn { column, .. }, _) | (_, MoneyIn { column, .. })) = (l, r) else {
                return Err(mismatch(op, l, r));
            };
            Err(err(
                format!(
                    "`{}` does not apply to {} and {}",
                    op.symbol(),
                    l.described(),
                    r.described()
                ),
                format!(
                    "the currency of each row is its `{column}`: convert the amount first, e.g. `convert(amount, to: EUR, using: fx.rate, on: close_date)`"
                ),
            ))
        }
    }
}

fn scalar_sum(a: &Type, b: &Type) -> Type {
    match (a, b) {
        (Type::Integer, Type::Integer) => Type::Integer,
        (Type::Percent, Type::Percent) => Type::Percent,
        _ => Type::Number,
    }
}

fn verb(op: BinOp) -> &'static str {
    if op == BinOp::Add {
        "add"
    } else {
        "subtract"
    }
}

fn mismatch(op: BinOp, l: &Type, r: &Type) -> UnitError {
    err(
        format!(
            "`{}` does not apply to {} and {}",
            op.symbol(),
            l.described(),
            r.described()
        ),
        "check the units of both sides",
    )
}

fn compare_mismatch(l: &Type, r: &Type) -> UnitError {
    let help = match (l, r) {
        (Type::Money(a), Type::Money(b)) => {
            format!("amounts in {a} and {b} need an explicit conversion")
        }
        (Type::Money(c), s) | (s, Type::Money(c)) if s.is_scalar() => {
            format!("write the amount with its currency, e.g. `50000 {c}`")
        }
        _ => "compare values of the same kind".into(),
    };
    err(
        format!("cannot compare {} with {}", l.described(), r.described()),
        help,
    )
}

/// The type a fallback must have to stand in for a value of type `value`.
pub fn fallback_fits(value: &Type, fallback: &Type) -> bool {
    value.compatible(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Type::*;

    fn eur() -> Type {
        Money("EUR".into())
    }

    #[test]
    fn money_rules() {
        assert_eq!(binary(BinOp::Add, &eur(), &eur()).ok(), Some(eur()));
        assert!(binary(BinOp::Add, &eur(), &Percent).is_err());
        assert!(binary(BinOp::Add, &eur(), &Money("USD".into())).is_err());
        assert_eq!(binary(BinOp::Mul, &eur(), &Percent).ok(), Some(eur()));
        assert_eq!(binary(BinOp::Div, &eur(), &eur()).ok(), Some(Number));
        assert_eq!(binary(BinOp::Div, &eur(), &Integer).ok(), Some(eur()));
        assert!(binary(BinOp::Div, &Integer, &eur()).is_err());
        assert!(binary(BinOp::Mul, &eur(), &eur()).is_err());
    }

    #[test]
    fn comparisons_and_dates() {
        assert!(binary(BinOp::Lt, &Date, &eur()).is_err());
        assert_eq!(binary(BinOp::Sub, &Date, &Date).ok(), Some(Days));
        assert_eq!(binary(BinOp::Ge, &Percent, &Number).ok(), Some(Bool));
        assert!(binary(BinOp::Lt, &Text, &Text).is_err());
        assert!(binary(BinOp::And, &Bool, &Integer).is_err());
    }
}
