//! Rendered steps, in Korean and English, as the learner sees them (snapshots).

use crate::harness::{LABS, Test};

fn show(lang: &str, args: &[&str]) -> String {
    let mut all = vec!["--lang", lang, "show"];
    all.extend_from_slice(args);
    Test::new().args(&all).run().code(0).stdout
}

#[test]
fn every_lab_renders_in_both_languages() {
    for lab in LABS {
        for lang in ["ko", "en"] {
            let text = show(lang, &[lab]);
            // The data folder is a fresh temporary one per run.
            insta::with_settings!({filters => vec![(r"\S*/workspace/", "[home]/workspace/")]}, {
                insta::assert_snapshot!(format!("show_{lab}_{lang}"), text);
            });
        }
    }
}

#[test]
fn commands_are_never_wrapped_even_when_narrow() {
    let out = Test::new()
        .args(&[
            "--lang",
            "en",
            "show",
            "published-web",
            "--step",
            "run-detached",
        ])
        .env("COLUMNS", "40")
        .run()
        .code(0);
    assert!(
        out.stdout.contains(
            "docker container run --detach --publish 8088:80 diamol/ch02-hello-diamol-web"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn plain_prints_markdown_and_hints_unfold() {
    let out = Test::new()
        .args(&[
            "--lang",
            "ko",
            "show",
            "published-web",
            "--step",
            "1",
            "--plain",
            "--hints",
        ])
        .run()
        .code(0);
    assert!(out.stdout.contains("```"), "{}", out.stdout);
    assert!(out.stdout.contains("**힌트**"), "{}", out.stdout);
}

#[test]
fn language_follows_lang_env() {
    let ko = Test::new()
        .args(&["list"])
        .env("LANG", "ko_KR.UTF-8")
        .run()
        .code(0);
    assert!(
        ko.stdout.contains("컨테이너로 Hello World 실행하기"),
        "{}",
        ko.stdout
    );
    let en = Test::new().args(&["list"]).env("LANG", "C").run().code(0);
    assert!(
        en.stdout.contains("Run Hello World in a container"),
        "{}",
        en.stdout
    );
}

#[test]
fn lab_files_are_handed_over_in_the_workspace() {
    let tmp = tempfile::tempdir().expect("tmp");
    let home = tmp.path().to_path_buf();
    let out = Test::new()
        .args(&[
            "--lang",
            "en",
            "show",
            "cp-index-html",
            "--step",
            "copy-index",
        ])
        .env("DOCKLINGS_HOME", home.to_str().expect("utf-8"))
        .run()
        .code(0);
    let file = home.join("workspace/cp-index-html/index.html");
    assert!(file.is_file(), "{}", out.stdout);
    assert!(
        out.stdout
            .contains(&home.join("workspace/cp-index-html").display().to_string())
    );
}
