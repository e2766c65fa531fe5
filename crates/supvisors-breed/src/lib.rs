//! Application templating (not built yet; see issue #7).
//!
//! Will own: the `supvisors_breed` tool as a library: reading template configuration files,
//! duplicating groups N times and writing the result.
