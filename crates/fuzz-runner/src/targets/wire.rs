//! The text form of the HTTP messages the decoder and emulator targets take: a start line,
//! header lines (`Name: value`), an empty line, then the body, the way HTTP/1.1 writes them
//! (with `\n` or `\r\n`). Readable seeds, and mutations that keep the structure more often
//! than not.

/// A message split into its parts. Anything is a message: missing parts are empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message<'a> {
    /// The first line (request line or status).
    pub start: &'a [u8],
    /// Header names and values (the value without the spaces after `:`).
    pub headers: Vec<(&'a [u8], &'a [u8])>,
    /// Everything after the empty line.
    pub body: &'a [u8],
}

/// Splits `data` into a message.
pub fn parse(data: &[u8]) -> Message<'_> {
    let mut rest = data;
    let mut line = || -> Option<&[u8]> {
        if rest.is_empty() {
            return None;
        }
        let (line, after) = match rest.iter().position(|&b| b == b'\n') {
            Some(at) => (&rest[..at], &rest[at + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = after;
        Some(line.strip_suffix(b"\r").unwrap_or(line))
    };
    let start = line().unwrap_or_default();
    let mut headers = Vec::new();
    while let Some(header) = line() {
        if header.is_empty() {
            break;
        }
        let (name, value) = match header.iter().position(|&b| b == b':') {
            Some(at) => (&header[..at], &header[at + 1..]),
            None => (header, &header[header.len()..]),
        };
        let value = match value.iter().position(|&b| b != b' ' && b != b'\t') {
            Some(at) => &value[at..],
            None => &value[value.len()..],
        };
        headers.push((name, value));
    }
    Message {
        start,
        headers,
        body: rest,
    }
}

/// Writes a message in the form [`parse`] reads.
pub fn render(start: &str, headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(start.len() + body.len() + 64 * headers.len());
    out.extend_from_slice(start.as_bytes());
    out.push(b'\n');
    for (name, value) in headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.push(b'\n');
    }
    out.push(b'\n');
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_then_parse_gives_the_parts_back() {
        let headers = vec![
            ("Host".to_owned(), "example.com".to_owned()),
            ("X-Empty".to_owned(), String::new()),
        ];
        let text = render("POST /a?b=c", &headers, b"{\"x\":\n1}");
        let message = parse(&text);
        assert_eq!(message.start, b"POST /a?b=c");
        assert_eq!(
            message.headers,
            vec![
                (&b"Host"[..], &b"example.com"[..]),
                (&b"X-Empty"[..], &b""[..])
            ]
        );
        assert_eq!(message.body, b"{\"x\":\n1}");
    }

    #[test]
    fn anything_is_a_message() {
        assert_eq!(parse(b""), Message::default());
        let message = parse(b"200\r\nno colon\r\n\r\n");
        assert_eq!(message.start, b"200");
        assert_eq!(message.headers, vec![(&b"no colon"[..], &b""[..])]);
        assert_eq!(message.body, b"");
    }
}
