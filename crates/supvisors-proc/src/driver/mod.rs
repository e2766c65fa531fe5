//! The tokio driver of the [`crate::model`]: one task owns the model and the real host
//! ([`host::RealHost`]); RPC handlers reach it through a [`manager::ManagerHandle`].

pub mod fcgi;
pub mod host;
pub mod manager;

pub use host::{ChildIo, HostSettings, RealHost};
pub use manager::{Core, Gone, Manager, ManagerHandle, RunEnd, clock};
