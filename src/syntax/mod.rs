//! Text → AST: the grammar, the parser and the syntax tree with spans.

pub mod ast;
pub mod format;
pub mod parser;
pub mod span;

pub use parser::parse;
pub use span::Span;
