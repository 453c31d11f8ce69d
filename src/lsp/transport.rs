//! The stdio transport: LSP's `Content-Length` framing on stdin/stdout, bounded. We frame
//! messages ourselves instead of using `lsp_server::Connection::stdio` because its reader
//! allocates whatever length a header announces (`Content-Length: 99999999999999` aborts
//! the process); here a header past [`MAX_MESSAGE`] ends the session with a message.

use lsp_server::{Connection, Message};
use std::io::{self, BufRead, Read};
use std::thread::JoinHandle;

/// The largest message accepted: far above any plan an editor sends whole (64 MiB).
pub const MAX_MESSAGE: usize = 64 << 20;

/// The threads that move messages between stdin/stdout and the server's connection.
pub struct Io {
    reader: JoinHandle<Result<(), String>>,
    writer: JoinHandle<Result<(), String>>,
}

impl Io {
    /// Wait for both threads; the first error of either is the transport's.
    pub fn join(self) -> Result<(), String> {
        let reader = self
            .reader
            .join()
            .map_err(|_| "the reader stopped".to_string())?;
        let writer = self
            .writer
            .join()
            .map_err(|_| "the writer stopped".to_string())?;
        reader.and(writer)
    }
}

/// A connection served over stdin/stdout.
pub fn stdio() -> Result<(Connection, Io), String> {
    let (server, client) = Connection::memory();
    let Connection {
        sender: to_server,
        receiver: from_server,
    } = client;
    let reader = std::thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || {
            let mut input = io::stdin().lock();
            loop {
                let Some(msg) = read(&mut input)? else {
                    return Ok(());
                };
                let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                if to_server.send(msg).is_err() || exit {
                    return Ok(());
                }
            }
        })
        .map_err(|e| e.to_string())?;
    let writer = std::thread::Builder::new()
        .name("lsp-writer".into())
        .spawn(move || {
            let mut out = io::stdout().lock();
            for msg in from_server {
                msg.write(&mut out).map_err(|e| e.to_string())?;
            }
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    Ok((server, Io { reader, writer }))
}

/// One message, or `None` at the end of the input before a header.
pub fn read<R: BufRead>(input: &mut R) -> Result<Option<Message>, String> {
    let mut length: Option<usize> = None;
    let mut line = String::new();
    let mut first = true;
    loop {
        line.clear();
        // A header line is short; a line without an end in 8 KiB is not a header.
        let n = Read::by_ref(input)
            .take(8 << 10)
            .read_line(&mut line)
            .map_err(|e| format!("cannot read a header: {e}"))?;
        if n == 0 {
            return if first {
                Ok(None)
            } else {
                Err("the input ends inside a header".into())
            };
        }
        first = false;
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            break;
        }
        let Some((name, value)) = header.split_once(':') else {
            return Err(format!(
                "malformed header {:?}",
                crate::diagnostics::escape(header)
            ));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let value = value.trim();
            let n: usize = value
                .parse()
                .map_err(|_| format!("Content-Length {value:?} is not a number"))?;
            if n > MAX_MESSAGE {
                return Err(format!(
                    "a message of {n} bytes is announced; the limit is {MAX_MESSAGE}"
                ));
            }
            length = Some(n);
        }
    }
    let length = length.ok_or("a message has no Content-Length")?;
    let mut body = vec![0; length];
    input
        .read_exact(&mut body)
        .map_err(|e| format!("cannot read a message of {length} bytes: {e}"))?;
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|e| format!("a message is not JSON-RPC: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    #[test]
    fn a_framed_message_is_read() {
        let bytes = framed(r#"{"jsonrpc":"2.0","method":"exit"}"#);
        let msg = read(&mut &bytes[..]).expect("reads");
        assert!(matches!(msg, Some(Message::Notification(n)) if n.method == "exit"));
        assert!(read(&mut &b""[..]).expect("end").is_none());
    }

    #[test]
    fn hostile_headers_are_errors_not_allocations() {
        for (input, says) in [
            (
                &b"Content-Length: 99999999999999\r\n\r\n{}"[..],
                "the limit is",
            ),
            (b"Content-Length: abc\r\n\r\n", "is not a number"),
            (b"garbage\r\n\r\n", "malformed header"),
            (b"\r\n", "no Content-Length"),
            (
                b"Content-Length: 10\r\n\r\n{}",
                "cannot read a message of 10 bytes",
            ),
            (b"Content-Length: 2\r\n\r\n{}", "not JSON-RPC"),
            (b"Content-Length: 2\r\n", "ends inside a header"),
        ] {
            let err = read(&mut &input[..]).expect_err("refused");
            assert!(err.contains(says), "{err}");
        }
    }
}
