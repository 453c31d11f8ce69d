//! `ignition lsp`: a Language Server Protocol server over stdio for plan files (one job per
//! file: this loop, the document store, each capability).

mod completion;
mod diagnostics;
mod documents;
mod formatting;
mod hover;
mod navigate;
pub mod position;
mod rename;
mod symbols;
mod transport;

use documents::Store;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::{
    CompletionOptions, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DocumentFormattingParams, DocumentSymbolParams,
    GotoDefinitionParams, HoverParams, HoverProviderCapability, OneOf, PublishDiagnosticsParams,
    ReferenceParams, RenameParams, ServerCapabilities, TextDocumentPositionParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::panic::AssertUnwindSafe;

/// What the server offers.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), "(".into()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

/// Serve on stdin/stdout until the client says `exit` (or closes stdin): `Ok(true)` after
/// a `shutdown` request, `Ok(false)` when the client exited without one. An error is the
/// transport's.
pub fn serve() -> Result<bool, String> {
    let (conn, io) = transport::stdio()?;
    let run = session(&conn);
    drop(conn);
    // A transport error (a hostile header, the input closed mid-message) explains why the
    // session ended better than the disconnected channel the session then saw.
    io.join()?;
    run
}

/// Initialize, then serve until `exit`.
fn session(conn: &Connection) -> Result<bool, String> {
    // The `initialized` notification that should follow is not waited for: a client that
    // leaves it out is served all the same.
    let (id, _) = conn
        .initialize_start()
        .map_err(|e| format!("no initialize request: {e}"))?;
    let init = serde_json::to_value(lsp_types::InitializeResult {
        capabilities: capabilities(),
        server_info: Some(lsp_types::ServerInfo {
            name: "ignition".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    })
    .map_err(|e| e.to_string())?;
    send(conn, Message::Response(Response::new_ok(id, init)))?;
    main_loop(conn)
}

fn main_loop(conn: &Connection) -> Result<bool, String> {
    let mut store = Store::default();
    for msg in &conn.receiver {
        match msg {
            Message::Request(req) => {
                if conn.handle_shutdown(&req).map_err(|e| e.to_string())? {
                    return Ok(true);
                }
                let id = req.id.clone();
                let method = req.method.clone();
                let answer = std::panic::catch_unwind(AssertUnwindSafe(|| request(&store, req)))
                    .unwrap_or_else(|_| {
                        Err((
                            ErrorCode::InternalError,
                            format!("internal error (a bug in Ignition) answering {method}"),
                        ))
                    });
                let resp = match answer {
                    Ok(v) => Response::new_ok(id, v),
                    Err((code, message)) => Response::new_err(id, code as i32, message),
                };
                send(conn, Message::Response(resp))?;
            }
            Message::Notification(n) if n.method == "exit" => return Ok(false),
            Message::Notification(n) => {
                let published =
                    std::panic::catch_unwind(AssertUnwindSafe(|| notification(&mut store, n)))
                        .unwrap_or_default();
                for p in published {
                    let note = Notification::new("textDocument/publishDiagnostics".to_string(), p);
                    send(conn, Message::Notification(note))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(false)
}

fn send(conn: &Connection, m: Message) -> Result<(), String> {
    conn.sender.send(m).map_err(|e| e.to_string())
}

type Answer = Result<Value, (ErrorCode, String)>;

fn params<P: DeserializeOwned>(v: Value) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(v).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn json<T: serde::Serialize>(v: T) -> Answer {
    serde_json::to_value(v).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

/// The document and byte offset a position request is about; `None` for an unknown
/// document or a position past its end.
fn at<'s>(
    store: &'s Store,
    p: &TextDocumentPositionParams,
) -> Option<(&'s documents::Document, usize)> {
    let doc = store.get(p.text_document.uri.as_str())?;
    let offset = position::offset(&doc.text, p.position)?;
    Some((doc, offset))
}

fn request(store: &Store, req: Request) -> Answer {
    match req.method.as_str() {
        "textDocument/hover" => {
            let p: HoverParams = params(req.params)?;
            json(at(store, &p.text_document_position_params).and_then(|(d, o)| hover::at(d, o)))
        }
        "textDocument/definition" => {
            let p: GotoDefinitionParams = params(req.params)?;
            let tp = &p.text_document_position_params;
            json(at(store, tp).and_then(|(d, o)| navigate::definition(&tp.text_document.uri, d, o)))
        }
        "textDocument/references" => {
            let p: ReferenceParams = params(req.params)?;
            let tp = &p.text_document_position;
            json(
                at(store, tp)
                    .map(|(d, o)| {
                        navigate::references(
                            &tp.text_document.uri,
                            d,
                            o,
                            p.context.include_declaration,
                        )
                    })
                    .unwrap_or_default(),
            )
        }
        "textDocument/rename" => {
            let p: RenameParams = params(req.params)?;
            let tp = &p.text_document_position;
            let Some((d, o)) = at(store, tp) else {
                return Err((
                    ErrorCode::InvalidParams,
                    "unknown document or position".into(),
                ));
            };
            match rename::rename(&tp.text_document.uri, d, o, &p.new_name) {
                Ok(edit) => json(edit),
                Err(why) => Err((ErrorCode::InvalidParams, why)),
            }
        }
        "textDocument/completion" => {
            let p: lsp_types::CompletionParams = params(req.params)?;
            json(
                at(store, &p.text_document_position)
                    .map(|(d, o)| completion::at(d, o))
                    .unwrap_or_default(),
            )
        }
        "textDocument/documentSymbol" => {
            let p: DocumentSymbolParams = params(req.params)?;
            json(
                store
                    .get(p.text_document.uri.as_str())
                    .map(symbols::outline)
                    .unwrap_or_default(),
            )
        }
        "textDocument/formatting" => {
            let p: DocumentFormattingParams = params(req.params)?;
            let uri = p.text_document.uri.as_str();
            json(
                store
                    .get(uri)
                    .map(|d| formatting::format(uri, d))
                    .unwrap_or_default(),
            )
        }
        m => Err((ErrorCode::MethodNotFound, format!("unsupported method {m}"))),
    }
}

/// Handle a notification; the diagnostics to publish.
fn notification(store: &mut Store, n: Notification) -> Vec<Value> {
    let publish = |uri: &Uri, store: &Store| -> Vec<Value> {
        let diagnostics = store
            .get(uri.as_str())
            .map(|d| diagnostics::of(uri, d))
            .unwrap_or_default();
        serde_json::to_value(PublishDiagnosticsParams::new(
            uri.clone(),
            diagnostics,
            None,
        ))
        .into_iter()
        .collect()
    };
    match n.method.as_str() {
        "textDocument/didOpen" => {
            let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) else {
                return Vec::new();
            };
            let uri = p.text_document.uri;
            store.open(uri.as_str(), p.text_document.text);
            publish(&uri, store)
        }
        "textDocument/didChange" => {
            let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) else {
                return Vec::new();
            };
            let uri = p.text_document.uri;
            let Some(mut text) = store.get(uri.as_str()).map(|d| d.text.clone()) else {
                return Vec::new();
            };
            for c in p.content_changes {
                match c.range {
                    None => text = c.text,
                    Some(r) => {
                        let (Some(a), Some(b)) = (
                            position::offset(&text, r.start),
                            position::offset(&text, r.end),
                        ) else {
                            continue;
                        };
                        if a <= b {
                            text.replace_range(a..b, &c.text);
                        }
                    }
                }
            }
            store.open(uri.as_str(), text);
            publish(&uri, store)
        }
        "textDocument/didClose" => {
            let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) else {
                return Vec::new();
            };
            store.close(p.text_document.uri.as_str());
            // Clear what was shown for it.
            let uri = p.text_document.uri;
            serde_json::to_value(PublishDiagnosticsParams::new(uri, Vec::new(), None))
                .into_iter()
                .collect()
        }
        _ => Vec::new(),
    }
}
