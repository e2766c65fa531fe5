//! A minimal element tree (tag, leading text, children), the shape ElementTree gives the
//! reference decoder: only the text before the first child is kept, like `Element.text`.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::DecodeError;

/// Deepest nesting accepted, so a hostile body cannot exhaust the stack while reducing.
const MAX_DEPTH: usize = 256;

/// One XML element.
#[derive(Debug, Default)]
pub(crate) struct Elem {
    pub tag: String,
    pub text: Option<String>,
    pub children: Vec<Elem>,
}

/// Parses a whole document into its root element.
pub(crate) fn parse(doc: &str) -> Result<Elem, DecodeError> {
    // expat normalises line ends before the application sees the text.
    let doc = doc.replace("\r\n", "\n").replace('\r', "\n");
    let mut reader = Reader::from_str(&doc);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Elem> = Vec::new();
    let mut root: Option<Elem> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| DecodeError::Xml(e.to_string()))?;
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err(DecodeError::Xml("junk after document element".into()));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(DecodeError::Xml("document nested too deeply".into()));
                }
                stack.push(Elem {
                    tag: tag_of(start.name().as_ref())?,
                    ..Elem::default()
                });
            }
            Event::Empty(start) => {
                let elem = Elem {
                    tag: tag_of(start.name().as_ref())?,
                    ..Elem::default()
                };
                close(&mut stack, &mut root, elem)?;
            }
            Event::End(_) => {
                let elem = stack
                    .pop()
                    .ok_or_else(|| DecodeError::Xml("unbalanced end tag".into()))?;
                close(&mut stack, &mut root, elem)?;
            }
            Event::Text(text) => {
                let text = text
                    .unescape()
                    .map_err(|e| DecodeError::Xml(e.to_string()))?;
                add_text(&mut stack, &root, &text)?;
            }
            Event::CData(data) => {
                let bytes = data.into_inner();
                let text =
                    std::str::from_utf8(&bytes).map_err(|e| DecodeError::Xml(e.to_string()))?;
                add_text(&mut stack, &root, text)?;
            }
            Event::Eof => break,
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(DecodeError::Xml("no element found at end of input".into()));
    }
    root.ok_or_else(|| DecodeError::Xml("no element found".into()))
}

fn tag_of(name: &[u8]) -> Result<String, DecodeError> {
    String::from_utf8(name.to_vec()).map_err(|e| DecodeError::Xml(e.to_string()))
}

fn close(stack: &mut [Elem], root: &mut Option<Elem>, elem: Elem) -> Result<(), DecodeError> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(elem),
        None if root.is_none() => *root = Some(elem),
        None => return Err(DecodeError::Xml("junk after document element".into())),
    }
    Ok(())
}

fn add_text(stack: &mut [Elem], root: &Option<Elem>, text: &str) -> Result<(), DecodeError> {
    match stack.last_mut() {
        // Text after the first child is a tail, which the reference decoder never reads.
        Some(elem) if elem.children.is_empty() => {
            elem.text.get_or_insert_with(String::new).push_str(text);
        }
        Some(_) => {}
        None if text.trim().is_empty() => {}
        None if root.is_some() => {
            return Err(DecodeError::Xml("junk after document element".into()));
        }
        None => {
            return Err(DecodeError::Xml(
                "syntax error: text outside the root element".into(),
            ));
        }
    }
    Ok(())
}
