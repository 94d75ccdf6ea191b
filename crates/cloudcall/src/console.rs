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
}

impl Console<'static> {
    /// The process's stdout and stderr.
    pub fn stdio() -> Console<'static> {
        Console {
            out: Box::new(std::io::stdout()),
            err: Box::new(std::io::stderr()),
            stdio: true,
            err_is_terminal: std::io::stderr().is_terminal(),
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
        }
    }

    /// The messages stream.
    pub(crate) fn err(&mut self) -> &mut dyn Write {
        &mut self.err
    }

    /// Whether the messages stream is a terminal (progress redraws one line there).
    pub(crate) fn err_is_terminal(&self) -> bool {
        self.err_is_terminal
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

#[cfg(test)]
mod tests {
    use super::*;

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
