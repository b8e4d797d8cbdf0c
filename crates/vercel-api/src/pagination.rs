//! Vercel's paginated lists as a `Stream` of items.
//!
//! A list response carries `pagination: {count, next, prev}`; the next page
//! is asked for by passing `next` as a query parameter (`until`, `from` or
//! `next`, depending on the endpoint). Each paginated operation gets a
//! generated `…_stream` method built on [`paginate`]: it fetches a page only
//! when the previous one has been read, holds one page in memory, stops when
//! `next` is null, and stops with [`Error::RepeatedCursor`] if the server
//! sends a cursor it sent before.

use std::collections::HashSet;
use std::fmt::Debug;
use std::future::Future;
use std::hash::{DefaultHasher, Hash, Hasher};

use futures::stream::{self, BoxStream, StreamExt};

use crate::{Error, Result};

/// Streams the items of every page. `fetch` gets the parameters of a page
/// and returns its items and the parameters of the next page, if any.
///
/// The generated `…_stream` methods use this; it is public for lists the
/// generator does not recognise.
///
/// ```
/// use futures::StreamExt;
/// # async fn demo() -> vercel_api::Result<()> {
/// // Three pages of two items; the "cursor" is the page number.
/// let items: Vec<u32> = vercel_api::pagination::paginate(0u32, |page| async move {
///     let next = if page < 2 { Some(page + 1) } else { None };
///     Ok((vec![page * 2, page * 2 + 1], next))
/// })
/// .map(|item| item.unwrap())
/// .collect()
/// .await;
/// assert_eq!(items, [0, 1, 2, 3, 4, 5]);
/// # Ok(()) }
/// # futures::executor::block_on(demo()).unwrap();
/// ```
pub fn paginate<'a, P, T, F, Fut>(first: P, fetch: F) -> BoxStream<'a, Result<T>>
where
    P: Debug + Send + 'a,
    T: Send + 'a,
    F: FnMut(P) -> Fut + Send + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<P>)>> + Send + 'a,
{
    let mut seen = HashSet::new();
    seen.insert(fingerprint(&first));
    let state = State { next: Some(first), items: Vec::new().into_iter(), seen, fetch, error: None };
    stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.items.next() {
                return Some((Ok(item), state));
            }
            if let Some(error) = state.error.take() {
                return Some((Err(error), state));
            }
            let params = state.next.take()?;
            match (state.fetch)(params).await {
                Ok((items, next)) => {
                    state.items = items.into_iter();
                    match next {
                        // A cursor seen before: hand out this page, then stop with an error.
                        Some(next) if !state.seen.insert(fingerprint(&next)) => {
                            state.error = Some(Error::RepeatedCursor(format!("{next:?}")));
                        }
                        next => state.next = next,
                    }
                }
                Err(e) => return Some((Err(e), state)),
            }
        }
    })
    .boxed()
}

struct State<P, T, F> {
    next: Option<P>,
    items: std::vec::IntoIter<T>,
    seen: HashSet<u64>,
    fetch: F,
    /// Reported once the current page has been handed out.
    error: Option<Error>,
}

fn fingerprint<P: Debug>(params: &P) -> u64 {
    let mut h = DefaultHasher::new();
    format!("{params:?}").hash(&mut h);
    h.finish()
}
