use std::fs;

use super::*;

fn template(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }
    dir
}

fn written(breed: &Breed) -> Vec<(String, String)> {
    breed
        .outputs()
        .into_iter()
        .filter_map(|o| match o {
            Output::Write { path, content } => Some((path.to_string(), content)),
            Output::Empty { .. } => None,
        })
        .collect()
}

#[test]
fn copies_hold_only_programs_and_replace_the_template() {
    let dir = template(&[(
        "g.ini",
        "[group:app]\npriority=10\nprograms=a,b\n\n[program:a]\nCommand=ls\n",
    )]);
    let mut breed = Breed::read(dir.path(), "**/*.ini").expect("read");
    let mut trace = Vec::new();
    let skipped = breed
        .breed(
            &[("group:app".into(), 2), ("group:nope".into(), 3)],
            false,
            Some(&mut trace),
        )
        .expect("breed");
    assert_eq!(skipped, ["group:nope"]);
    assert_eq!(
        String::from_utf8(trace).expect("utf-8"),
        "New [group:app_01]\nNew [group:app_02]\n"
    );
    assert_eq!(
        written(&breed),
        [(
            "g.ini".to_string(),
            "[program:a]\ncommand = ls\n\n[group:app_01]\nprograms = a,b\n\n\
             [group:app_02]\nprograms = a,b\n\n"
                .to_string()
        )]
    );
}

#[test]
fn extra_files_sit_next_to_the_template_and_empty_files_are_skipped() {
    let dir = template(&[("sub/g.ini", "[group:app]\nprograms=a\n")]);
    let mut breed = Breed::read(dir.path(), "**/*.ini").expect("read");
    let mut trace = Vec::new();
    breed
        .breed(&[("group:app".into(), 1)], true, Some(&mut trace))
        .expect("breed");
    assert_eq!(
        String::from_utf8(trace).expect("utf-8"),
        "New File: sub/group_app_01.ini\nNew [group:app_01]\n"
    );
    assert_eq!(
        breed.outputs(),
        [
            Output::Empty {
                path: RelPath::parse("sub/g.ini")
            },
            Output::Write {
                path: RelPath::parse("sub/group_app_01.ini"),
                content: "[group:app_01]\nprograms = a\n\n".to_string()
            }
        ]
    );
}

#[test]
fn an_existing_copy_is_emptied_in_place() {
    let dir = template(&[(
        "g.ini",
        "[group:app_01]\nprograms=old\npriority=3\n\n[group:app]\nprograms=new\n",
    )]);
    let mut breed = Breed::read(dir.path(), "*.ini").expect("read");
    breed
        .breed(&[("group:app".into(), 2)], false, None)
        .expect("breed");
    assert_eq!(
        written(&breed)[0].1,
        "[group:app_01]\nprograms = new\n\n[group:app_02]\nprograms = new\n\n"
    );
}

#[test]
fn defaults_and_multi_line_values_are_rendered_like_configparser() {
    let dir = template(&[(
        "g.ini",
        "[DEFAULT]\nx=%(here)s\n[program:p]\nenvironment=A=1,\n  B=2\nempty=\n",
    )]);
    let breed = Breed::read(dir.path(), "*.ini").expect("read");
    assert_eq!(
        written(&breed)[0].1,
        "[DEFAULT]\nx = %(here)s\n\n[program:p]\nenvironment = A=1,\n\tB=2\nempty = \n\n"
    );
}

#[test]
fn programs_may_come_from_defaults_and_their_absence_is_an_error() {
    let dir = template(&[(
        "g.ini",
        "[DEFAULT]\nprograms=d\n[group:a]\n[group:b]\nx=1\n",
    )]);
    let mut breed = Breed::read(dir.path(), "*.ini").expect("read");
    breed
        .breed(&[("group:a".into(), 1)], false, None)
        .expect("breed");
    assert!(
        written(&breed)[0]
            .1
            .contains("[group:a_01]\nprograms = d\n")
    );

    let dir = template(&[("g.ini", "[group:a]\npriority=1\n")]);
    let mut breed = Breed::read(dir.path(), "*.ini").expect("read");
    let err = breed.breed(&[("group:a".into(), 1)], false, None);
    assert!(matches!(err, Err(BreedError::NoPrograms { .. })), "{err:?}");
}

#[test]
fn the_last_file_read_holds_a_group_defined_twice() {
    let dir = template(&[("only.ini", "[group:a]\nprograms=x\n")]);
    let mut breed = Breed::read(dir.path(), "*.ini").expect("read");
    // Simulate a second file defining the same group.
    let second = RawIni {
        path: dir.path().join("second.ini"),
        defaults: Vec::new(),
        sections: breed.models[0].sections.clone(),
    };
    breed.models.push(second);
    insert(&mut breed.files, RelPath::parse("second.ini"), 1);
    insert(&mut breed.groups, "group:a".to_string(), 1);
    breed
        .breed(&[("group:a".into(), 1)], false, None)
        .expect("breed");
    let out = written(&breed);
    assert_eq!(out[0].1, "[group:a]\nprograms = x\n\n");
    assert_eq!(out[1].1, "[group:a_01]\nprograms = x\n\n");
}

#[test]
fn invalid_ini_is_an_error() {
    let dir = template(&[("g.ini", "[group:a]\nprograms=x\n[group:a]\n")]);
    assert!(matches!(
        Breed::read(dir.path(), "*.ini"),
        Err(BreedError::Parse { .. })
    ));
}
