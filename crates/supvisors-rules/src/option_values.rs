//! Supvisors' own converters of `[rpcinterface:supvisors]` values (ranges, ports, periods,
//! enum names). The Supervisor value types they build on (`int()`, `boolean`, `byte_size`,
//! `list_of_strings`, `logging_level`) are those of [`crate::values`]. Errors are the message
//! Python would put in its `ValueError`.

use crate::values::{integer as py_int, list_of_strings};

/// Supvisors' converters (`to_timeout`, `to_ticks`, `to_histo`): an integer in a range.
pub(crate) fn ranged(
    value: &str,
    key: &str,
    (min, max): (i64, i64),
    unit: &str,
) -> Result<u32, String> {
    let v = py_int(value)?;
    if (min..=max).contains(&v) {
        Ok(v as u32)
    } else {
        Err(format!(
            "invalid value for {key}: {v}. expected in [{min};{max}]{unit}"
        ))
    }
}

/// Supvisors' `to_port_num`: an integer in 0..=65535.
pub(crate) fn to_port(value: &str) -> Result<u32, String> {
    let v = py_int(value)?;
    if (0..=65535).contains(&v) {
        Ok(v as u32)
    } else {
        Err(format!(
            "invalid value for port ({v}), expected in [0;65535]"
        ))
    }
}

/// Supvisors' `to_periods`: 1 to 3 multiples of 5 in 5..=3600, sorted.
pub(crate) fn to_periods(value: &str) -> Result<Vec<u32>, String> {
    let items = list_of_strings(value);
    if items.is_empty() {
        return Err("unexpected number of stats_periods: 0. minimum is 1".to_owned());
    }
    if items.len() > 3 {
        return Err(format!(
            "unexpected number of stats_periods: {}. maximum is 3",
            items.len()
        ));
    }
    let mut periods = Vec::new();
    for item in &items {
        let p = py_int(item)
            .map_err(|_| format!("invalid value for stats_periods: {item}. expected integer"))?;
        if !(5..=3600).contains(&p) {
            return Err(format!(
                "invalid value for stats_periods: {item}. expected in [5;3600] (seconds)"
            ));
        }
        if p % 5 != 0 {
            return Err(format!(
                "invalid value for stats_periods: {p}. expected multiple of 5"
            ));
        }
        periods.push(p as u32);
    }
    periods.sort_unstable();
    Ok(periods)
}

/// A strategy converter: exact enum name, the message naming the option.
pub(crate) fn to_enum<T>(
    key: &str,
    from: impl Fn(&str) -> Result<T, supvisors_core::enums::UnknownName>,
) -> impl Fn(&str) -> Result<T, String> {
    move |v| {
        from(v).map_err(|e| format!("invalid value for {key}: {v}. expected in [{}]", e.expected))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn py_int_accepts_python_forms_only() {
        assert_eq!(py_int(" 42 "), Ok(42));
        assert_eq!(py_int("-7"), Ok(-7));
        assert_eq!(py_int("+1_000"), Ok(1000));
        assert!(py_int("1__0").is_err());
        assert!(py_int("_1").is_err());
        assert!(py_int("").is_err());
        assert!(py_int("4.5").is_err());
        assert!(py_int("99999999999999999999999").is_err());
    }
}
