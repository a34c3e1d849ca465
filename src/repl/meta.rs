//! Meta-commands: lines starting with `:` that act on the REPL itself rather than being
//! statements of the language.

use std::path::PathBuf;

use crate::syntax::did_you_mean;

/// A meta-command as listed by `:help`.
#[derive(Debug, Clone, Copy)]
pub struct Command {
    /// Its name, without the colon.
    pub name: &'static str,
    /// What follows it.
    pub args: &'static str,
    /// What it does.
    pub doc: &'static str,
}

/// The meta-commands.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "help",
        args: "[TOPIC]",
        doc: "the language, its data sources, models, losses, metrics, functions and settings",
    },
    Command {
        name: "load",
        args: "FILE",
        doc: "runs a script into the session",
    },
    Command {
        name: "vars",
        args: "",
        doc: "the names in scope and what they hold",
    },
    Command {
        name: "show",
        args: "NAME",
        doc: "what a name holds: data set, model, training run (and its training), table or value",
    },
    Command {
        name: "save",
        args: "FILE",
        doc: "writes the session's accepted statements as a script that `hydro run` reproduces",
    },
    Command {
        name: "reset",
        args: "",
        doc: "forgets every name, trained run and result of the session",
    },
    Command {
        name: "quit",
        args: "",
        doc: "leaves the REPL (so does Ctrl-D)",
    },
];

/// A parsed meta-command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meta {
    /// `:help [topic]`.
    Help(Option<String>),
    /// `:load FILE`.
    Load(PathBuf),
    /// `:vars`.
    Vars,
    /// `:show NAME`.
    Show(String),
    /// `:save FILE`.
    Save(PathBuf),
    /// `:reset`.
    Reset,
    /// `:quit`.
    Quit,
}

/// Parses a line that starts with `:`; the error is a message for the user.
pub fn parse(input: &str) -> Result<Meta, String> {
    let input = input.trim().trim_start_matches(':');
    let (name, argument) = match input.split_once(char::is_whitespace) {
        Some((name, rest)) => (name, rest.trim()),
        None => (input, ""),
    };
    let argument = argument.trim_matches('"');
    let required = |what: &str| -> Result<String, String> {
        if argument.is_empty() {
            Err(format!("`:{name}` needs {what}: `:{name} {}`", usage(name)))
        } else {
            Ok(argument.to_string())
        }
    };
    let none = |meta: Meta| -> Result<Meta, String> {
        if argument.is_empty() {
            Ok(meta)
        } else {
            Err(format!("`:{name}` takes no argument"))
        }
    };
    match name {
        "help" | "h" | "?" => Ok(Meta::Help(
            (!argument.is_empty()).then(|| argument.to_string()),
        )),
        "load" => required("a script").map(|f| Meta::Load(PathBuf::from(f))),
        "save" => required("a file name").map(|f| Meta::Save(PathBuf::from(f))),
        "show" => required("a name").map(Meta::Show),
        "vars" => none(Meta::Vars),
        "reset" => none(Meta::Reset),
        "quit" | "q" | "exit" => none(Meta::Quit),
        _ => {
            let names = COMMANDS.iter().map(|c| c.name);
            let hint =
                did_you_mean(name, names.clone()).map_or(String::new(), |h| format!("{h}; "));
            let list: Vec<String> = names.map(|n| format!(":{n}")).collect();
            Err(format!(
                "unknown command `:{name}`; {hint}the commands are {}",
                list.join(", ")
            ))
        }
    }
}

/// The argument placeholder of a command.
fn usage(name: &str) -> &'static str {
    COMMANDS
        .iter()
        .find(|c| c.name == name)
        .map_or("", |c| c.args)
}
