//! Program sections kept after loading, so that their processes can be expanded again with
//! another `numprocs` (Supvisors' `update_numprocs`, which re-reads the section of its parser
//! with the new value). The expansion is the loader's own `processes_from_section`.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::groups::GroupConfig;
use super::programs::{Common, ProcessConfig, ProcessKind, processes_from_section};
use super::view::{Entry, View};
use crate::context::LoadContext;
use crate::expand::Names;

/// One program section (`[program:x]`, `[eventlistener:x]`, `[fcgi-program:x]`) as loaded,
/// with what its expansion needs besides the host facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramSource {
    /// The section and the `[DEFAULT]` entries it falls back to.
    view: View,
    /// Section name.
    section: String,
    /// How the loader built its processes.
    kind: ProcessKind,
    /// `ENV_*` names (daemon environment plus `[supervisord] environment`), shared.
    env: Arc<Names>,
    /// `%(here)s` of the main file.
    here: Arc<str>,
    /// `[supervisord] environment`, merged under each process's own.
    global_env: Arc<Vec<(String, String)>>,
}

impl ProgramSource {
    /// The section name (`program:x`, …).
    pub fn section(&self) -> &str {
        &self.section
    }

    /// The current `numprocs` text of the section (`1` when absent).
    pub fn numprocs_text(&self) -> String {
        self.view
            .section(&self.section)
            .and_then(|s| self.view.lookup(s, "numprocs"))
            .map_or_else(|| "1".to_string(), |e| e.value.clone())
    }

    /// Sets `numprocs` in the kept section, as Supvisors writes it into its parser.
    pub fn set_numprocs(&mut self, numprocs: i64) {
        let Some(section) = self.view.sections.first_mut() else {
            return;
        };
        let value = numprocs.to_string();
        match section.entries.iter_mut().find(|e| e.key == "numprocs") {
            Some(e) => e.value = value,
            None => section.entries.push(Entry {
                key: "numprocs".into(),
                value,
                line: section.line,
                path: section.path.clone(),
            }),
        }
    }

    /// The processes of this section in `group_name`, expanded with `numprocs`, in the
    /// loader's order; the error is the first problem as the reference's `ValueError` words
    /// it (e.g. `%(process_num) must be present within process_name when numprocs > 1 in
    /// section 'program:x' (file: '/etc/s.conf')`).
    pub fn expand(
        &self,
        group_name: &str,
        numprocs: i64,
        ctx: &LoadContext<'_>,
    ) -> Result<Vec<Arc<ProcessConfig>>, String> {
        let mut copy = self.clone();
        copy.set_numprocs(numprocs);
        let Some(section) = copy.view.section(&copy.section) else {
            return Err(format!("section {} not found", copy.section));
        };
        let common = Common {
            ctx,
            env: &copy.env,
            here: &copy.here,
        };
        let (mut errors, mut warnings) = (Vec::new(), Vec::new());
        let mut procs = processes_from_section(
            &copy.view,
            section,
            group_name,
            copy.kind,
            &common,
            &mut errors,
            &mut warnings,
        );
        if let Some(e) = errors.first() {
            return Err(e.problem.clone());
        }
        for p in &mut procs {
            super::merge_environment(&copy.global_env, Arc::make_mut(p));
        }
        Ok(procs)
    }
}

/// The source of every program that has processes in `groups`, by program name.
pub(crate) fn sources(
    view: &View,
    groups: &[GroupConfig],
    env: &Names,
    here: &str,
    global_env: &[(String, String)],
) -> BTreeMap<String, Arc<ProgramSource>> {
    let env = Arc::new(env.clone());
    let here: Arc<str> = here.into();
    let global_env = Arc::new(global_env.to_vec());
    let mut out = BTreeMap::new();
    for p in groups.iter().flat_map(|g| g.processes.iter()) {
        if out.contains_key(&p.program_name) {
            continue;
        }
        let Some(section) = view.section(&p.section) else {
            continue;
        };
        let source = ProgramSource {
            view: View::single(view.defaults.clone(), section.clone()),
            section: section.name.clone(),
            kind: p.kind,
            env: Arc::clone(&env),
            here: Arc::clone(&here),
            global_env: Arc::clone(&global_env),
        };
        out.insert(p.program_name.clone(), Arc::new(source));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::ok;
    use crate::context::{HostTable, LoadContext, StaticAccounts};

    fn ctx<'a>(accounts: &'a StaticAccounts, resolver: &'a HostTable) -> LoadContext<'a> {
        LoadContext {
            env: Default::default(),
            host_node_name: "node1".into(),
            cwd: std::env::temp_dir(),
            local_addresses: Vec::new(),
            accounts,
            resolver,
        }
    }

    #[test]
    fn a_program_expands_again_with_more_processes() {
        let c = ok(
            "[supervisord]\nenvironment=G=1\n[program:x]\ncommand=echo %(process_num)d\nnumprocs=2\nprocess_name=x_%(process_num)d\n[group:g]\nprograms=x\n",
        );
        let (a, r) = (StaticAccounts::root_only(), HostTable::new());
        let src = c.programs.get("x").expect("x is kept");
        assert_eq!(src.section(), "program:x");
        let procs = src.expand("g", 3, &ctx(&a, &r)).expect("expands");
        let names: Vec<_> = procs.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["x_0", "x_1", "x_2"]);
        assert_eq!(procs[2].command, "echo 2");
        assert_eq!(procs[2].group_name, "g");
        assert_eq!(procs[2].environment, [("G".to_string(), "1".to_string())]);
        // Apart from `numprocs`, an existing process expands as it was loaded.
        let first = super::ProcessConfig {
            numprocs: 2,
            ..(*procs[0]).clone()
        };
        assert_eq!(first, *c.groups[0].processes[0]);
    }

    #[test]
    fn a_process_name_without_process_num_refuses_more_than_one() {
        let c = ok("[supervisord]\n[program:x]\ncommand=ls\n");
        let (a, r) = (StaticAccounts::root_only(), HostTable::new());
        let mut src = c.programs.get("x").expect("x is kept").as_ref().clone();
        let err = src.expand("x", 2, &ctx(&a, &r)).unwrap_err();
        assert_eq!(
            err,
            "%(process_num) must be present within process_name when numprocs > 1 in section 'program:x' (file: 's.conf')"
        );
        src.set_numprocs(1);
        assert_eq!(src.numprocs_text(), "1");
    }
}
