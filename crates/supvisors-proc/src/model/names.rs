//! Namespec parsing and rendering (spec §3.5.1).

// One implementation for the whole workspace: the engine's.
pub use supvisors_core::queries::{make_namespec, split_namespec};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_rules() {
        assert_eq!(split_namespec("foo"), ("foo", Some("foo")));
        assert_eq!(split_namespec("grp:foo"), ("grp", Some("foo")));
        assert_eq!(split_namespec("grp:*"), ("grp", None));
        assert_eq!(split_namespec("grp:"), ("grp", None));
        assert_eq!(split_namespec("a:b:c"), ("a", Some("b:c")));
        assert_eq!(make_namespec("a", "a"), "a");
        assert_eq!(make_namespec("g", "a"), "g:a");
    }
}
