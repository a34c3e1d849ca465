//! Splitting the text of a delimited file into rows of cells, each with its 1-based line.

use std::path::Path;

use csv::StringRecord;

use super::super::error::DataError;

/// The separator between the cells of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    /// `,` (quoted cells allowed).
    Comma,
    /// `;` (quoted cells allowed).
    Semicolon,
    /// A tab character (quoted cells allowed).
    Tab,
    /// Runs of spaces or tabs, as in space-aligned tables; cells cannot contain spaces.
    Whitespace,
}

impl Delimiter {
    /// The delimiter of `text`, told from its first non-empty line: the most frequent of `,`,
    /// `;` and tab (in this order of preference on a tie), or whitespace if none occurs.
    pub fn detect(text: &str) -> Delimiter {
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab]
            .into_iter()
            .map(|d| (first.bytes().filter(|&b| Some(b) == d.byte()).count(), d))
            .filter(|&(count, _)| count > 0)
            .fold(
                None,
                |best: Option<(usize, Delimiter)>, (count, d)| match best {
                    Some((c, _)) if c >= count => best,
                    _ => Some((count, d)),
                },
            )
            .map_or(Delimiter::Whitespace, |(_, d)| d)
    }

    /// The separating byte, `None` for whitespace.
    fn byte(self) -> Option<u8> {
        match self {
            Delimiter::Comma => Some(b','),
            Delimiter::Semicolon => Some(b';'),
            Delimiter::Tab => Some(b'\t'),
            Delimiter::Whitespace => None,
        }
    }
}

/// One row of a file: its 1-based line number and its cells, trimmed.
#[derive(Debug, Clone)]
pub(in crate::data) struct Row {
    /// The 1-based line where the row starts.
    pub line: usize,
    /// The cells.
    pub cells: StringRecord,
}

/// The non-empty rows of `text`, split at `delimiter`.
pub(in crate::data) fn split_rows(
    text: &str,
    delimiter: Delimiter,
    path: &Path,
) -> Result<Vec<Row>, DataError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(byte) = delimiter.byte() else {
        return Ok(text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| Row {
                line: i + 1,
                cells: l.split_ascii_whitespace().collect(),
            })
            .collect());
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(byte)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut lines = LineCounter::new(text);
    let mut rows = Vec::new();
    for record in reader.records() {
        let cells = record.map_err(|e| {
            let line = e.position().map_or(0, |p| lines.line_at(p.byte() as usize));
            DataError::malformed(
                path,
                line,
                e.to_string(),
                "the file must be delimited text with balanced quotes",
            )
        })?;
        if cells.len() == 1 && cells[0].is_empty() {
            continue;
        }
        let line = cells
            .position()
            .map_or(0, |p| lines.line_at(p.byte() as usize));
        rows.push(Row { line, cells });
    }
    Ok(rows)
}

/// Line numbers of byte offsets, counted forward through a text.
struct LineCounter<'a> {
    text: &'a [u8],
    /// The offset reached so far.
    position: usize,
    /// The 1-based line of `position`.
    line: usize,
}

impl<'a> LineCounter<'a> {
    /// A counter at the start of `text`.
    fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            position: 0,
            line: 1,
        }
    }

    /// The line of the first character at or after `offset` that is not a line break (where a
    /// row starting at `offset` after blank lines really begins). Offsets must not decrease.
    fn line_at(&mut self, offset: usize) -> usize {
        let mut end = offset.min(self.text.len());
        while end < self.text.len() && matches!(self.text[end], b'\n' | b'\r') {
            end += 1;
        }
        if end > self.position {
            let breaks = self.text[self.position..end]
                .iter()
                .filter(|&&b| b == b'\n');
            self.line += breaks.count();
            self.position = end;
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_most_frequent_delimiter() {
        assert_eq!(
            Delimiter::detect("date,precip(mm/day),temp(C)\n"),
            Delimiter::Comma
        );
        assert_eq!(
            Delimiter::detect("\ngauge_id;p_mean;name\n"),
            Delimiter::Semicolon
        );
        assert_eq!(Delimiter::detect("Year\tMnth\tDay\n"), Delimiter::Tab);
        assert_eq!(
            Delimiter::detect("YR MNTH DY HR SWE\n"),
            Delimiter::Whitespace
        );
        assert_eq!(
            Delimiter::detect("Date,Discharge (m3/s)\n"),
            Delimiter::Comma
        );
    }

    #[test]
    fn rows_keep_their_line_numbers() {
        let rows = split_rows(
            "a,b\n\n1, 2\n\"x,y\",3\n",
            Delimiter::Comma,
            Path::new("t.csv"),
        )
        .unwrap();
        let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 3, 4]);
        assert_eq!(&rows[1].cells[1], "2");
        assert_eq!(&rows[2].cells[0], "x,y");
        let rows = split_rows(
            "YR MNTH\n\n 1980  10\n",
            Delimiter::Whitespace,
            Path::new("t"),
        )
        .unwrap();
        assert_eq!((rows[1].line, &rows[1].cells[1]), (3, "10"));
    }
}
