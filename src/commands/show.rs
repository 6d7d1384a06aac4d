//! `docklings show LAB`: a lab's steps rendered for the terminal (or as Markdown), with
//! where its files are.

use crate::app::{App, Failure, Result, out};
use crate::lab::Lang;
use crate::render::RenderOptions;

pub(crate) fn run(app: &App, id: &str, step: Option<&str>, plain: bool, hints: bool) -> Result<()> {
    let cat = app.catalog()?;
    let lab = crate::lookup::lab(&cat, id)?;
    let only = step
        .map(|s| crate::lookup::step_index(lab, s))
        .transpose()?;
    let md = crate::book::lab_markdown(lab, app.lang, only, hints);
    let workspace = crate::store::workspace::prepare(lab).map_err(Failure::Io)?;
    let mut text = if plain {
        md
    } else {
        let width = crate::render::terminal_width();
        let opts = if app.style.color {
            RenderOptions::colored(width)
        } else {
            RenderOptions::plain(width)
        };
        crate::render::markdown_to_terminal(&md, opts)
    };
    if let Some(dir) = workspace {
        text.push_str(&match app.lang {
            Lang::Ko => format!("\n이 실습의 파일은 여기에 있습니다: {}\n", dir.display()),
            Lang::En => format!("\nThis lab's files are in: {}\n", dir.display()),
        });
    }
    out(&text);
    Ok(())
}
