//! The knowledge base: one entry per known asyncio problem. Rule findings
//! (`check`), `explain` ids and runtime findings (`run`) all point into it by id.
//! Ids are public API (users link to them): never rename one.
//!
//! The seed document is a map of what to cover, not an authority; where it is
//! wrong (see shared/seed/CORRECTIONS.md) these entries say what Python does.

mod entries;

pub use entries::ENTRIES;

#[derive(Debug)]
pub struct Entry {
    /// Stable id, e.g. `loop-blocked`.
    pub id: &'static str,
    pub title: &'static str,
    /// Why it happens.
    pub cause: &'static str,
    /// How to confirm it is this problem.
    pub check: &'static str,
    /// What to do about it.
    pub fix: &'static str,
    /// Differences across Python versions (empty when none matter).
    pub versions: &'static str,
    /// Rule codes (static and runtime) that find this problem.
    pub related_codes: &'static [&'static str],
}

pub fn get(id: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::ALL_RULES;

    #[test]
    fn every_rule_points_at_an_entry_that_names_it() {
        for rule in ALL_RULES {
            let entry = get(rule.knowledge).unwrap_or_else(|| {
                panic!("{} points at unknown entry {}", rule.code, rule.knowledge)
            });
            assert!(
                entry.related_codes.contains(&rule.code),
                "entry {} does not list {}",
                entry.id,
                rule.code
            );
        }
    }

    #[test]
    fn entries_are_complete_and_unique() {
        for (i, e) in ENTRIES.iter().enumerate() {
            assert!(
                !e.title.is_empty()
                    && !e.cause.is_empty()
                    && !e.check.is_empty()
                    && !e.fix.is_empty(),
                "{} incomplete",
                e.id
            );
            assert!(
                ENTRIES[i + 1..].iter().all(|o| o.id != e.id),
                "{} twice",
                e.id
            );
            assert!(
                e.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}: kebab-case ids",
                e.id
            );
        }
    }

    #[test]
    fn no_entry_repeats_a_seed_error() {
        // shared/seed/CORRECTIONS.md: claims the seed makes that are false.
        let wrong = [
            "cancels remaining tasks",
            "cancels the remaining",
            "in 3.9+ it inherits",
            "3.9+ inherits from `BaseException`",
            "in 3.10+, use `asyncio.Runner`",
            "silently fail",
            "Python 3.12 changed `TaskGroup`",
        ];
        for e in ENTRIES {
            for text in [e.cause, e.check, e.fix, e.versions, e.title] {
                for w in wrong {
                    assert!(!text.contains(w), "{} repeats a seed error: {w}", e.id);
                }
            }
        }
    }
}
