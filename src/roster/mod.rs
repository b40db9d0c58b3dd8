//! The class: who is in it and their photos. `csv` parses, `load` reads the
//! photos and builds the [`Roster`] the server serves.

pub mod csv;
pub mod import;
pub mod load;
pub mod matching;
pub mod namelist;
pub mod photos;
pub mod plan;
pub mod urls;
pub mod why;

pub use load::{Person, PersonPhoto, Roster, load_demo, load_path};

/// Maps `f` over `items` on every core, in order. Image decoding is the slow
/// part of loading and importing; a panicking decoder becomes an `Err`.
pub(crate) fn par_map<T, U, F>(items: &[T], f: F) -> Vec<Result<U, String>>
where
    T: Sync,
    U: Send,
    F: Fn(&T) -> Result<U, String> + Sync,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len().max(1));
    let chunk = items.len().div_ceil(threads).max(1);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                let handle = s.spawn(move || part.iter().map(f).collect::<Vec<_>>());
                (part.len(), handle)
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|(len, h)| {
                h.join().unwrap_or_else(|_| {
                    (0..len)
                        .map(|_| Err("cannot be read: the image decoder crashed".to_string()))
                        .collect()
                })
            })
            .collect()
    })
}
