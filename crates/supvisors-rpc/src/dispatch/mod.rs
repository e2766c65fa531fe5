//! Method dispatch: namespaces behind a trait, the name rules of supervisord, and the built-in
//! `system` namespace (`listMethods`, `methodHelp`, `methodSignature`, `multicall`).

mod args;
mod system;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub use args::{expect_arity, to_int, to_str, truthy};

use crate::fault::{Fault, FaultCode};
use crate::value::Value;

/// The future of one method call; a method that must wait (a "deferred" call in Supervisor's
/// words) simply does not complete yet, which holds only its own HTTP response.
pub type CallFuture = Pin<Box<dyn Future<Output = Result<Value, Fault>> + Send>>;

/// The result of a dispatched call: a value or fault, or no XML-RPC answer at all.
pub type CallOutcome = Result<Result<Value, Fault>, DispatchError>;

/// Description of one public method, as `system.methodHelp`/`methodSignature` report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodInfo {
    /// Method name without the namespace (`getState`).
    pub name: &'static str,
    /// `[return type, param types...]`.
    pub signature: &'static [&'static str],
    /// Help text with `@param <type> <name>` and `@return <type> <name>` lines.
    pub help: &'static str,
}

/// One XML-RPC namespace (`supervisor`, `supvisors`, a test namespace...).
pub trait Namespace: Send + Sync {
    /// The namespace name, the part before the dot.
    fn name(&self) -> &str;
    /// The public methods; a method missing here is `UNKNOWN_METHOD` even if `call` knows it.
    fn methods(&self) -> &[MethodInfo];
    /// Calls `method` (without the namespace) with positional parameters.
    fn call(&self, method: &str, params: Vec<Value>) -> CallFuture;
}

/// Why a call produced no XML-RPC answer at all (the HTTP layer answers 500).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DispatchError {
    /// The request made the reference server raise an unexpected exception (e.g. a
    /// `system.multicall` argument that is not an array of structs).
    #[error("internal error: {0}")]
    Internal(String),
}

/// Owns the namespaces plus `system`, and routes `ns.method` names to them.
#[derive(Clone, Default)]
pub struct Dispatcher {
    namespaces: Vec<Arc<dyn Namespace>>,
}

impl Dispatcher {
    /// A dispatcher that only knows `system`.
    pub fn new() -> Self {
        Dispatcher::default()
    }

    /// Adds a namespace (a later one with the same name shadows nothing: the first wins).
    pub fn with(mut self, namespace: Arc<dyn Namespace>) -> Self {
        self.namespaces.push(namespace);
        self
    }

    /// Sorted `namespace.method` names of every namespace, `system` included.
    pub fn list_methods(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .namespaces
            .iter()
            .flat_map(|ns| {
                ns.methods()
                    .iter()
                    .map(move |m| format!("{}.{}", ns.name(), m.name))
            })
            .chain(system::METHODS.iter().map(|m| format!("system.{}", m.name)))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The descriptor of a full method name.
    pub fn method_info(&self, full_name: &str) -> Option<MethodInfo> {
        let (ns, method) = full_name.split_once('.')?;
        if ns == "system" {
            return system::METHODS.iter().find(|m| m.name == method).copied();
        }
        self.namespace(ns)?
            .methods()
            .iter()
            .find(|m| m.name == method)
            .copied()
    }

    /// Calls a method by its full name. Faults are XML-RPC answers; `DispatchError` is not.
    pub async fn call(
        &self,
        full_name: &str,
        params: Vec<Value>,
    ) -> Result<Result<Value, Fault>, DispatchError> {
        let (ns, method) = match split_name(full_name) {
            Ok(parts) => parts,
            Err(fault) => return Ok(Err(fault)),
        };
        if ns == "system" {
            return system::call(self, method, params).await;
        }
        Ok(self.call_namespace(ns, method, params).await)
    }

    /// A call inside `system.multicall`: anything but `system.*` can never raise 500.
    /// Boxed because `multicall` recurses into `call`.
    fn call_entry<'a>(
        &'a self,
        full_name: &'a str,
        params: Vec<Value>,
    ) -> Pin<Box<dyn Future<Output = CallOutcome> + Send + 'a>> {
        Box::pin(self.call(full_name, params))
    }

    async fn call_namespace(
        &self,
        ns: &str,
        method: &str,
        params: Vec<Value>,
    ) -> Result<Value, Fault> {
        let namespace = self
            .namespace(ns)
            .ok_or_else(|| Fault::bare(FaultCode::UnknownMethod))?;
        if !namespace.methods().iter().any(|m| m.name == method) {
            return Err(Fault::bare(FaultCode::UnknownMethod));
        }
        namespace.call(method, params).await
    }

    fn namespace(&self, name: &str) -> Option<&Arc<dyn Namespace>> {
        self.namespaces.iter().find(|ns| ns.name() == name)
    }
}

/// Rules of `xmlrpc.traverse`: exactly two dotted parts, no private method.
fn split_name(full_name: &str) -> Result<(&str, &str), Fault> {
    let mut parts = full_name.split('.');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(ns), Some(method), None) if !method.starts_with('_') => Ok((ns, method)),
        _ => Err(Fault::bare(FaultCode::UnknownMethod)),
    }
}

#[cfg(test)]
mod tests;
