//! The built-in `system` namespace.

use super::{DispatchError, Dispatcher, MethodInfo, expect_arity, split_name};
use crate::fault::{Fault, FaultCode};
use crate::value::Value;

/// Descriptors of the `system` methods.
pub(super) const METHODS: &[MethodInfo] = &[
    MethodInfo {
        name: "listMethods",
        signature: &["array"],
        help: " List the names of every method this server publishes, sorted\n        @return array result  The method names (strings).\n        ",
    },
    MethodInfo {
        name: "methodHelp",
        signature: &["string", "string"],
        help: " Give the documentation text of a method\n        @param string name   Full method name (namespace.method).\n        @return string result The documentation text.\n        ",
    },
    MethodInfo {
        name: "methodSignature",
        signature: &["array", "string"],
        help: " Give the types of a method as [return type, parameter types...]\n        @param string name  Full method name (namespace.method).\n        @return array result  The types (strings).\n        ",
    },
    MethodInfo {
        name: "multicall",
        signature: &["array", "array"],
        help: "Run several calls in order and give one result per call: the bare\n        return value on success, or a struct {'faultCode': int, 'faultString':\n        string} on failure.  Each call is a struct {'methodName': string,\n        'params': array}.\n        @param array calls  The calls to run\n        @return array result  The results\n        ",
    },
];

pub(super) async fn call(
    dispatcher: &Dispatcher,
    method: &str,
    params: Vec<Value>,
) -> Result<Result<Value, Fault>, DispatchError> {
    let unsupported = || Fault::bare(FaultCode::SignatureUnsupported);
    match method {
        "listMethods" => Ok(expect_arity(&params, 0, 0).map(|()| {
            Value::Array(
                dispatcher
                    .list_methods()
                    .into_iter()
                    .map(Value::String)
                    .collect(),
            )
        })),
        "methodHelp" => Ok(expect_arity(&params, 1, 0).and_then(|()| {
            let info = params[0]
                .as_str()
                .and_then(|name| dispatcher.method_info(name));
            info.map(|m| Value::string(m.help)).ok_or_else(unsupported)
        })),
        "methodSignature" => Ok(expect_arity(&params, 1, 0).and_then(|()| {
            let info = params[0]
                .as_str()
                .and_then(|name| dispatcher.method_info(name));
            match info {
                Some(m) if !m.signature.is_empty() => Ok(Value::Array(
                    m.signature.iter().map(|t| Value::string(*t)).collect(),
                )),
                _ => Err(unsupported()),
            }
        })),
        "multicall" => {
            if let Err(fault) = expect_arity(&params, 1, 0) {
                return Ok(Err(fault));
            }
            multicall(dispatcher, params.into_iter().next().unwrap_or(Value::Nil)).await
        }
        _ => Ok(Err(Fault::bare(FaultCode::UnknownMethod))),
    }
}

/// Runs the calls one after the other, awaiting each (deferred ones included) before the next.
async fn multicall(
    dispatcher: &Dispatcher,
    calls: Value,
) -> Result<Result<Value, Fault>, DispatchError> {
    let calls = match calls {
        Value::Array(calls) => calls,
        // Slicing a str works in Python but every entry then fails with an AttributeError.
        Value::String(s) | Value::Raw(s) if s.is_empty() => Vec::new(),
        Value::String(_) | Value::Raw(_) => {
            return Err(DispatchError::Internal(
                "multicall entries must be structs".into(),
            ));
        }
        // Any other type makes `calls[:]` raise a TypeError.
        _ => return Ok(Err(Fault::bare(FaultCode::IncorrectParameters))),
    };
    let mut results = Vec::with_capacity(calls.len());
    for entry in calls {
        let Value::Struct(_) = entry else {
            return Err(DispatchError::Internal(
                "multicall entries must be structs".into(),
            ));
        };
        let outcome = match entry.member("methodName") {
            None | Some(Value::Nil) => Err(Fault::new(
                FaultCode::IncorrectParameters,
                Some("No methodName"),
            )),
            Some(Value::String(name) | Value::Raw(name)) if name == "system.multicall" => {
                Err(Fault::new(
                    FaultCode::IncorrectParameters,
                    Some("Recursive system.multicall forbidden"),
                ))
            }
            Some(Value::String(name) | Value::Raw(name)) => {
                run_entry(dispatcher, name, entry.member("params")).await
            }
            Some(_) => Err(Fault::new(
                FaultCode::Failed,
                Some("methodName is not a string"),
            )),
        };
        results.push(match outcome {
            Ok(value) => value,
            Err(fault) => fault.to_value(),
        });
    }
    Ok(Ok(Value::Array(results)))
}

async fn run_entry(
    dispatcher: &Dispatcher,
    name: &str,
    params: Option<&Value>,
) -> Result<Value, Fault> {
    // Python applies `func(*params)`: any iterable is spread, a scalar is a TypeError; name
    // errors come first because the method is resolved before it is applied.
    let params = match params {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => Ok(items.clone()),
        Some(Value::String(s) | Value::Raw(s)) => {
            Ok(s.chars().map(|c| Value::String(c.to_string())).collect())
        }
        Some(Value::Struct(members)) => Ok(members
            .iter()
            .map(|(k, _)| Value::string(k.as_str()))
            .collect()),
        Some(_) => Err(Fault::bare(FaultCode::IncorrectParameters)),
    };
    let params = match params {
        Ok(params) => params,
        Err(fault) => {
            split_name(name)?;
            dispatcher
                .method_info(name)
                .ok_or_else(|| Fault::bare(FaultCode::UnknownMethod))?;
            return Err(fault);
        }
    };
    match dispatcher.call_entry(name, params).await {
        Ok(result) => result,
        Err(DispatchError::Internal(text)) => Err(Fault::new(FaultCode::Failed, Some(text))),
    }
}
