//! Spec text -> rustdoc that builds without warnings.
//!
//! Descriptions are Markdown written for a web page: bare URLs, `[words]`
//! that rustdoc would take for links, HTML-ish `<tags>`, and code fences
//! that rustdoc would compile as doctests. This makes them safe.

/// Cleans one description for use as rustdoc.
pub fn clean(text: &str) -> String {
    // Doc comments may not hold a bare carriage return or other controls.
    let text: String = text
        .replace("\r\n", "\n")
        .chars()
        .map(|c| {
            if c == '\r' {
                '\n'
            } else if c.is_control() && c != '\n' && c != '\t' {
                ' '
            } else {
                c
            }
        })
        .collect();
    let text = text.as_str();
    let mut out = String::with_capacity(text.len());
    let mut in_fence = false;
    for (i, line) in text.trim().lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            // Fences are shown as text, never compiled as doctests.
            out.push_str(if in_fence { "```" } else { "```text" });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push_str(line);
        } else {
            out.push_str(&clean_line(line.trim_end()));
        }
    }
    if in_fence {
        out.push_str("\n```");
    }
    out
}

fn clean_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let mut in_code = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        let rest: String = chars[i..].iter().take(8).collect();
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let prev = if i > 0 { chars[i - 1] } else { ' ' };
            let end = chars[i..]
                .iter()
                .position(|c| c.is_whitespace() || matches!(c, ')' | '>' | '"' | '\'' | '`'))
                .map_or(chars.len(), |p| i + p);
            let mut url: String = chars[i..end].iter().collect();
            let mut tail = String::new();
            while url.ends_with(['.', ',', ';', ':']) {
                tail.insert(0, url.pop().unwrap_or('.'));
            }
            if prev == '(' || prev == '<' {
                out.push_str(&url);
            } else {
                out.push('<');
                out.push_str(&url);
                out.push('>');
            }
            out.push_str(&tail);
            i = end;
            continue;
        }
        match c {
            '[' => {
                // A Markdown link `[text](url)` stays; other brackets are escaped.
                let close = chars[i..].iter().position(|&c| c == ']').map(|p| i + p);
                match close {
                    Some(close) if chars.get(close + 1) == Some(&'(') => out.push('['),
                    _ => out.push_str("\\["),
                }
            }
            ']' => {
                if chars.get(i + 1) == Some(&'(') {
                    out.push(']');
                } else {
                    out.push_str("\\]");
                }
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
        i += 1;
    }
    if in_code {
        out.push('`');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn makes_markdown_safe_for_rustdoc() {
        assert_eq!(clean("See https://vercel.com/docs."), "See <https://vercel.com/docs>.");
        assert_eq!(clean("[link](https://x.y) and [note]"), "[link](https://x.y) and \\[note\\]");
        assert_eq!(clean("a <b> tag `<kept>`"), "a &lt;b&gt; tag `<kept>`");
        assert_eq!(clean("```js\nlet a = [1];\n```"), "```text\nlet a = [1];\n```");
        assert_eq!(clean("unclosed `code"), "unclosed `code`");
    }
}
