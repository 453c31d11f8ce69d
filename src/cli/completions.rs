//! `ignition completions SHELL`: the shell's completion script for every command and option,
//! on stdout (clap_complete, generated from the same definitions as the parser).

use super::exit;
use clap::CommandFactory;

/// The examples of `ignition completions --help` (a test runs each line: tests/it/init_cli.rs).
pub const EXAMPLES: &str = "\
Examples:
  ignition completions bash > ~/.local/share/bash-completion/completions/ignition
  ignition completions zsh > ~/.zfunc/_ignition          # with fpath+=~/.zfunc in ~/.zshrc
  ignition completions fish > ~/.config/fish/completions/ignition.fish
  ignition completions powershell >> $PROFILE
  ignition completions elvish >> ~/.config/elvish/rc.elv";

/// Arguments of `completions`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Run `completions`.
pub fn run(a: &Args) -> u8 {
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut super::Cli::command(), "ignition", &mut script);
    super::out(&String::from_utf8_lossy(&script));
    exit::OK
}
