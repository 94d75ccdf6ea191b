//! Where one invocation writes: the process's stdout and stderr, or writers the caller gives
//! (to run the CLI in-process, as the tests do, and capture what it prints).

use std::io::{IsTerminal, Write};

/// The two output streams of one invocation.
///
/// Results go to `out`; errors, progress and `--debug` lines to `err`. Writes that fail (a closed
/// pipe, `cloudcall ... | head`) are ignored: they are not worth a panic or a changed exit status.
pub struct Console<'a> {
    out: Box<dyn Write + 'a>,
    err: Box<dyn Write + 'a>,
    /// The process's own streams: clap may colour its messages, progress may redraw a line.
    stdio: bool,
    err_is_terminal: bool,
    /// The results stream's terminal width, when it is a terminal.
    out_width: Option<usize>,
}

impl Console<'static> {
    /// The process's stdout and stderr.
    pub fn stdio() -> Console<'static> {
        Console {
            out: Box::new(std::io::stdout()),
            err: Box::new(std::io::stderr()),
            stdio: true,
            err_is_terminal: std::io::stderr().is_terminal(),
            out_width: std::io::stdout()
                .is_terminal()
                .then(|| terminal_size::terminal_size_of(std::io::stdout()))
                .flatten()
                .map(|(width, _)| usize::from(width.0)),
        }
    }
}

impl<'a> Console<'a> {
    /// Writes results to `out` and messages to `err`, as plain text (no colours, no redrawn
    /// progress line).
    pub fn capture(out: impl Write + 'a, err: impl Write + 'a) -> Console<'a> {
        Console {
            out: Box::new(out),
            err: Box::new(err),
            stdio: false,
            err_is_terminal: false,
            out_width: None,
        }
    }

    /// The messages stream. What goes through it reaches a terminal with its control
    /// characters made visible (see [`TerminalSafe`]): error codes, messages and request ids come
    /// from a server, and a hostile or broken one must not be able to rewrite the user's screen.
    pub(crate) fn err(&mut self) -> TerminalSafe<&mut dyn Write> {
        TerminalSafe::new(&mut self.err)
    }

    /// Writes the CLI's own terminal control sequence (the progress line's carriage return and
    /// erase) to the messages stream unchanged. Never pass text that came from a server.
    pub(crate) fn err_control(&mut self, sequence: &'static str) {
        let _ = self.err.write_all(sequence.as_bytes());
    }

    /// Whether the messages stream is a terminal (progress redraws one line there).
    pub(crate) fn err_is_terminal(&self) -> bool {
        self.err_is_terminal
    }

    /// The width of the terminal results go to; `None` when they go to a file or a pipe.
    pub(crate) fn out_width(&self) -> Option<usize> {
        self.out_width
    }

    /// Writes `text` to the results stream and flushes it.
    pub(crate) fn print(&mut self, text: &str) {
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
    }

    /// Prints a clap error, help or version text where clap would: help and version on the
    /// results stream, errors on the messages stream.
    pub(crate) fn clap_message(&mut self, e: &clap::Error) {
        if self.stdio {
            // clap colours its messages on a terminal.
            let _ = e.print();
            return;
        }
        let text = e.render().to_string();
        let stream = if e.use_stderr() {
            &mut self.err
        } else {
            &mut self.out
        };
        let _ = stream.write_all(text.as_bytes());
        let _ = stream.flush();
    }
}

/// A writer that passes text on with its terminal control characters made visible: C0
/// controls other than newline and tab, DEL, and the C1 controls (U+0080 to U+009F, which some
/// terminals obey like ESC sequences) become `\u{1b}`-style escapes. Everything else, UTF-8
/// included, passes unchanged.
pub(crate) struct TerminalSafe<W: Write> {
    inner: W,
    /// A UTF-8 lead byte `0xC2` that ended the previous write: whether it starts a C1 control
    /// depends on the next byte.
    pending_c2: bool,
}

impl<W: Write> TerminalSafe<W> {
    pub(crate) fn new(inner: W) -> Self {
        TerminalSafe {
            inner,
            pending_c2: false,
        }
    }
}

impl<W: Write> Write for TerminalSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut out = Vec::with_capacity(buf.len());
        for &byte in buf {
            if std::mem::take(&mut self.pending_c2) {
                if (0x80..=0x9f).contains(&byte) {
                    out.extend_from_slice(format!("\\u{{{byte:x}}}").as_bytes());
                    continue;
                }
                out.push(0xc2);
            }
            match byte {
                b'\n' | b'\t' => out.push(byte),
                0x00..=0x1f | 0x7f => out.extend_from_slice(format!("\\u{{{byte:x}}}").as_bytes()),
                0xc2 => self.pending_c2 = true,
                _ => out.push(byte),
            }
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if std::mem::take(&mut self.pending_c2) {
            self.inner.write_all(&[0xc2])?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for TerminalSafe<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible_and_the_rest_passes() {
        let mut seen = Vec::new();
        {
            let mut safe = TerminalSafe::new(&mut seen);
            write!(safe, "a\x1b]0;x\x07\rb\n\té \u{9b}2J \u{7f}").unwrap();
            // A C1 control split across two writes.
            safe.write_all(&[0xc2]).unwrap();
            safe.write_all(&[0x9b, b'!']).unwrap();
        }
        assert_eq!(
            String::from_utf8(seen).unwrap(),
            "a\\u{1b}]0;x\\u{7}\\u{d}b\n\té \\u{9b}2J \\u{7f}\\u{9b}!"
        );
    }

    #[test]
    fn capture_keeps_the_streams_apart() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        {
            let mut console = Console::capture(&mut out, &mut err);
            console.print("result\n");
            let _ = writeln!(console.err(), "message");
            assert!(!console.err_is_terminal());
        }
        assert_eq!(String::from_utf8(out).unwrap(), "result\n");
        assert_eq!(String::from_utf8(err).unwrap(), "message\n");
    }
}
