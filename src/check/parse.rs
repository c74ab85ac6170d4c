//! The one place that talks to the parser (`ruff_python_parser` =0.0.10).
//! Everything else sees [`ParsedModule`] and ruff's AST node types.

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::{ModModule, PySourceType, Stmt};
use ruff_python_parser::{Parsed, parse_unchecked_source};
use ruff_text_size::{Ranged, TextRange};

pub struct ParsedModule {
    parsed: Parsed<ModModule>,
}

pub struct SyntaxError {
    pub message: String,
    pub range: TextRange,
}

impl ParsedModule {
    pub fn body(&self) -> &[Stmt] {
        &self.parsed.syntax().body
    }

    /// The first syntax error, if any (later ones are often consequences).
    pub fn first_syntax_error(&self) -> Option<SyntaxError> {
        self.parsed.errors().first().map(|e| SyntaxError {
            message: e.error.to_string(),
            range: e.location,
        })
    }

    /// The ranges of all comments, in source order.
    pub fn comment_ranges(&self) -> impl Iterator<Item = TextRange> + '_ {
        self.parsed
            .tokens()
            .iter()
            .filter(|t| t.kind() == TokenKind::Comment)
            .map(|t| t.range())
    }
}

/// Parses a `.py` module (never fails: errors are kept beside the tree).
pub fn parse_python(source: &str) -> ParsedModule {
    ParsedModule {
        parsed: parse_unchecked_source(source, PySourceType::Python),
    }
}

/// Parses the code of a notebook with IPython syntax: `%magic`, `!shell`,
/// `x = !cmd` and `?help` lines are escape commands, not syntax errors.
pub fn parse_ipython(source: &str) -> ParsedModule {
    ParsedModule {
        parsed: parse_unchecked_source(source, PySourceType::Ipynb),
    }
}
