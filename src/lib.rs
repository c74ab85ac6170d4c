//! asyncdoctor: finds (`check`), explains (`explain`) and observes (`run`) asyncio
//! bugs in Python programs. The three faces share one vocabulary: rule codes
//! ([`registry`]), findings and their rendering ([`diagnostics`]) and the
//! knowledge base ([`knowledge`]).

pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod explain;
pub mod knowledge;
pub mod registry;
pub mod run;
