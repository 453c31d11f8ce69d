//! Interned text: each distinct string once, compared as a number.

use rustc_hash::FxHashMap;

/// An interned string.
pub type Sym = u32;

/// A string table. Plan constants are interned first; data loading continues the same table,
/// so a text constant and a cell with the same text have the same symbol.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    map: FxHashMap<Box<str>, Sym>,
    strings: Vec<Box<str>>,
}

impl Interner {
    /// An empty table.
    pub fn new() -> Interner {
        Interner::default()
    }

    /// The symbol for `s`, adding it if new.
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&sym) = self.map.get(s) {
            return sym;
        }
        let sym = self.strings.len() as Sym;
        self.strings.push(s.into());
        self.map.insert(s.into(), sym);
        sym
    }

    /// The text of a symbol.
    pub fn resolve(&self, sym: Sym) -> &str {
        self.strings.get(sym as usize).map_or("", |s| s)
    }

    /// Every string with its symbol, in symbol order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Sym)> {
        self.strings
            .iter()
            .enumerate()
            .map(|(i, s)| (&**s, i as Sym))
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }
}
