//! Yes/no questions on the terminal. `--yes` answers them all; without a
//! terminal (a script, a pipe) and without `--yes`, bemx refuses rather
//! than guess.

use std::io::{BufRead as _, IsTerminal as _, Write as _};

use anyhow::Context as _;

use crate::{Code, Failure};

/// Asks `question` (a " [y/N]" is appended) on stderr and reads the answer
/// from stdin. `--yes` answers yes without asking. Anything but y/yes/j/ja
/// is no.
///
/// Without a terminal on stdin, refuses with `hint_without_terminal`, which
/// should tell the user what to check before passing `--yes`.
pub fn confirm(yes: bool, question: &str, hint_without_terminal: &str) -> anyhow::Result<bool> {
    if yes {
        return Ok(true);
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(Failure::new(Code::NotATerminal, "cannot ask for confirmation: the input is not a terminal")
            .hint(hint_without_terminal)
            .into());
    }
    let mut err = std::io::stderr().lock();
    write!(err, "{question} [y/N] ").and_then(|()| err.flush()).context("cannot write the question")?;
    drop(err);
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer).context("cannot read the answer")?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes" | "j" | "ja"))
}
