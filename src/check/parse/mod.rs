//! The one place that talks to the parser (`ruff_python_parser` =0.0.10).
//! Everything else sees [`ParsedModule`] and ruff's AST node types.

pub mod arena;

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::{ModModule, PySourceType, Stmt};
use ruff_python_parser::{Parsed, parse_unchecked_source};
use ruff_text_size::{Ranged, TextRange};

/// A parsed module. Its tree may live in the thread's parse arena (see
/// [`arena`]), so it stays on the thread that parsed it.
///
/// A tree wholly in the region is freed by the region's next reset (one
/// `OnceLock` string cached in a concatenated string literal by our walks,
/// if any, is not freed: a few bytes per such literal).
pub struct ParsedModule {
    parsed: arena::InRegion<Parsed<ModModule>>,
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
    parse(source, PySourceType::Python)
}

/// Parses the code of a notebook with IPython syntax: `%magic`, `!shell`,
/// `x = !cmd` and `?help` lines are escape commands, not syntax errors.
pub fn parse_ipython(source: &str) -> ParsedModule {
    parse(source, PySourceType::Ipynb)
}

fn parse(source: &str, kind: PySourceType) -> ParsedModule {
    warm_up();
    // SAFETY: the parser builds the tree and nothing else that outlives the
    // call (its lazily initialised statics are made first by `warm_up`).
    let parsed = unsafe { arena::build_in_region(|| parse_unchecked_source(source, kind)) };
    ParsedModule { parsed }
}

/// Parses a sample once outside the arena, so that anything the parser
/// initialises lazily and keeps (none in 0.0.10, checked by reading it) would
/// be made on the normal heap, not in a region that is reused.
fn warm_up() {
    static WARM: std::sync::Once = std::sync::Once::new();
    WARM.call_once(|| {
        let sample = "import a.b as c\nfrom . import d\n@dec(x=1)\nasync def f(*a, b: int = 2, **k) -> None:\n    async with c() as e, d:\n        await e\n    async for i in j:\n        yield [x async for x in y if x]\n    try:\n        pass\n    except* (E, F) as g:\n        raise G from g\n    finally:\n        del h\nclass K(L, metaclass=M):\n    n: int = 0b1 + 0o7 + 0x1f + 1.5j\n    s = f'{a!r:>{w}}' rb'x' 'y' t'{z}'\n    match q:\n        case [1, *r] | {\"k\": _} if r: ...\n    lam = lambda u=(1,), *v: {**u, 'w': {v}}\ntype T[U] = list[U]\n# comment\n";
        drop(parse_unchecked_source(sample, PySourceType::Python));
    });
}
