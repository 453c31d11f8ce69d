//! The one table of operator precedence: the parser builds its Pratt parser from it and
//! the formatter decides from it where parentheses are needed.

use super::ast::BinOp;

/// An operator of the expression grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    /// `a otherwise b`
    Otherwise,
    /// `a or b`
    Or,
    /// `a and b`
    And,
    /// `not a`
    Not,
    /// `a == b`
    Eq,
    /// `a != b`
    Ne,
    /// `a < b`
    Lt,
    /// `a <= b`
    Le,
    /// `a > b`
    Gt,
    /// `a >= b`
    Ge,
    /// `a + b`
    Add,
    /// `a - b`
    Sub,
    /// `a * b`
    Mul,
    /// `a / b`
    Div,
    /// `-a`
    Neg,
    /// `rows where condition`
    Where,
    /// `rows.column`
    Field,
}

/// Where an operator stands relative to its operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fixity {
    /// Before its operand.
    Prefix,
    /// Between its operands (all infix operators associate to the left).
    Infix,
    /// After its operand.
    Postfix,
}

impl Operator {
    /// Every operator.
    pub const ALL: [Operator; 17] = [
        Operator::Otherwise,
        Operator::Or,
        Operator::And,
        Operator::Not,
        Operator::Eq,
        Operator::Ne,
        Operator::Lt,
        Operator::Le,
        Operator::Gt,
        Operator::Ge,
        Operator::Add,
        Operator::Sub,
        Operator::Mul,
        Operator::Div,
        Operator::Neg,
        Operator::Where,
        Operator::Field,
    ];

    /// The highest binding power.
    pub const MAX_POWER: u8 = 9;

    /// How tightly the operator binds, from 1 (loosest) to [`Self::MAX_POWER`]: the
    /// precedence table of the language (docs/language.md §11).
    pub const fn binding_power(self) -> u8 {
        match self {
            Operator::Otherwise => 1,
            Operator::Or => 2,
            Operator::And => 3,
            Operator::Not => 4,
            Operator::Eq
            | Operator::Ne
            | Operator::Lt
            | Operator::Le
            | Operator::Gt
            | Operator::Ge => 5,
            Operator::Add | Operator::Sub => 6,
            Operator::Mul | Operator::Div => 7,
            Operator::Neg => 8,
            Operator::Where | Operator::Field => 9,
        }
    }

    /// Prefix, infix or postfix.
    pub const fn fixity(self) -> Fixity {
        match self {
            Operator::Not | Operator::Neg => Fixity::Prefix,
            Operator::Where | Operator::Field => Fixity::Postfix,
            _ => Fixity::Infix,
        }
    }

    /// The operator of a binary expression.
    pub const fn of(op: BinOp) -> Operator {
        match op {
            BinOp::Add => Operator::Add,
            BinOp::Sub => Operator::Sub,
            BinOp::Mul => Operator::Mul,
            BinOp::Div => Operator::Div,
            BinOp::Eq => Operator::Eq,
            BinOp::Ne => Operator::Ne,
            BinOp::Lt => Operator::Lt,
            BinOp::Le => Operator::Le,
            BinOp::Gt => Operator::Gt,
            BinOp::Ge => Operator::Ge,
            BinOp::And => Operator::And,
            BinOp::Or => Operator::Or,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_power_has_operators_of_one_fixity() {
        for power in 1..=Operator::MAX_POWER {
            let fixities: Vec<Fixity> = Operator::ALL
                .iter()
                .filter(|o| o.binding_power() == power)
                .map(|o| o.fixity())
                .collect();
            assert!(!fixities.is_empty(), "{power}");
            assert!(fixities.iter().all(|f| *f == fixities[0]), "{power}");
        }
    }

    #[test]
    fn arithmetic_binds_tighter_than_comparison_than_logic() {
        let p = |o: Operator| o.binding_power();
        assert!(p(Operator::Mul) > p(Operator::Add));
        assert!(p(Operator::Add) > p(Operator::Lt));
        assert!(p(Operator::Lt) > p(Operator::Not));
        assert!(p(Operator::Not) > p(Operator::And));
        assert!(p(Operator::And) > p(Operator::Or));
        assert!(p(Operator::Or) > p(Operator::Otherwise));
        assert_eq!(Operator::of(BinOp::Ge), Operator::Ge);
    }
}
