//! Diagnostics of every layer: a message, a labelled span in a script, and a help line.
//! They render through miette with the script's source, like a compiler's errors.

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceSpan};
use std::fmt;

use super::source::{SourceMap, Span};

/// One error found in a script, pointing at the span responsible.
#[derive(Debug, Clone)]
pub struct ScriptError {
    /// What is wrong, as one sentence.
    pub message: String,
    /// Where it is.
    pub span: Span,
    /// Text next to the underline.
    pub label: String,
    /// What to do about it.
    pub help: Option<String>,
    /// A further cause (e.g. the data file and line that failed), shown below the message.
    pub cause: Option<String>,
}

impl ScriptError {
    /// An error at `span` with the given message; the label repeats the message's gist.
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        let message = message.into();
        ScriptError {
            label: "here".to_string(),
            message,
            span,
            help: None,
            cause: None,
        }
    }

    /// Sets the text shown under the underline.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Attaches a further cause shown below the message.
    pub fn with_cause(mut self, cause: impl Into<String>) -> Self {
        self.cause = Some(cause.into());
        self
    }

    /// Binds the error to its source text so that miette can render it.
    pub fn report(&self, sources: &SourceMap) -> RenderedError {
        let file = sources.get(self.span.source);
        RenderedError {
            message: match &self.cause {
                Some(cause) => format!("{}\n  caused by: {cause}", self.message),
                None => self.message.clone(),
            },
            source: NamedSource::new(file.name.clone(), file.text.as_ref().clone()),
            span: (self.span.start, self.span.end - self.span.start).into(),
            label: self.label.clone(),
            help: self.help.clone(),
        }
    }
}

/// A [`ScriptError`] together with its source text: a complete miette diagnostic.
#[derive(Debug)]
pub struct RenderedError {
    message: String,
    source: NamedSource<String>,
    span: SourceSpan,
    label: String,
    help: Option<String>,
}

impl fmt::Display for RenderedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RenderedError {}

impl Diagnostic for RenderedError {
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(self.label.clone()),
            self.span,
        ))))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h.clone()) as Box<dyn fmt::Display>)
    }
}

/// Renders errors as plain text (no colours), as printed by `hydro check` on a non-terminal.
pub fn render_plain(errors: &[ScriptError], sources: &SourceMap) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100);
    let mut out = String::new();
    for error in errors {
        let rendered = error.report(sources);
        // Writing into a String cannot fail.
        let _ = handler.render_report(&mut out, &rendered);
    }
    out
}

/// "did you mean `x`?" for the closest candidate within a small edit distance, if any.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|(d, c)| *d <= (name.len().max(c.len()) / 3).max(1) && *d > 0)
        .min()
        .map(|(_, c)| format!("did you mean `{c}`?"))
}
