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
//! [`write`] renders and writes the result without leaving a half-written tree. [`cli`]
//! reproduces the reference's command line, argparse messages included.

pub mod breed;
pub mod cli;
pub mod error;
pub mod fnmatch;
pub mod glob;
pub mod relpath;
pub mod write;

pub use breed::{Breed, Output};
pub use error::BreedError;
