//! `supvisors_breed`: duplicates the group definitions of a Supervisor configuration tree,
//! producing the same files, byte for byte, as Supvisors 0.15's `breed.py`.
//!
//! ```text
//!  template dir ──glob──> files ──configparser──> INI models ──breed──> outputs ──> destination
//!  (-t, -p)                                        (-b x=N, -x)                 (-d, staged)
//! ```
//!
//! [`glob`] walks the template folder as Python 3.11's `pathlib` does (the order matters:
//! the last file defining a group holds it), [`breed::Breed`] reads each file with the
//! `supvisors-rules` INI parser in its `configparser` dialect and replaces the groups, and
//! [`write`](mod@write) renders and writes the result without leaving a half-written tree. [`cli`]
//! reproduces the reference's command line, argparse messages included, and [`usage`] its
//! usage and help layout.
//!
//! "The reference" is `supvisors/tools/breed.py` of Supvisors 0.15 run by CPython 3.11: the
//! order of `pathlib`'s `**` walk changed in 3.12 and again in 3.13, so the byte-for-byte
//! promise is against 3.11, the interpreter of the project's venv.

pub mod breed;
pub mod cli;
pub mod error;
pub mod fnmatch;
pub mod glob;
pub mod relpath;
pub mod usage;
pub mod write;

pub use breed::{Breed, Output};
pub use error::BreedError;
