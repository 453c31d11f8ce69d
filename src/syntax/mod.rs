//! Text → AST: the grammar, the parser and the syntax tree with spans.

pub mod ast;
pub mod error;
pub mod format;
pub mod keyword;
pub mod parser;
pub mod precedence;
pub mod shape;
pub mod span;

pub use error::ParseError;
pub use parser::parse;
pub use span::Span;

/// A file's text without its UTF-8 byte-order mark, if it has one (editors on Windows save
/// one). Spans are offsets into the text this returns.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}
