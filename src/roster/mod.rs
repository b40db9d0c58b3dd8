//! The class: who is in it and their photos. `csv` parses, `load` reads the
//! photos and builds the [`Roster`] the server serves.

pub mod csv;
pub mod import;
pub mod load;
pub mod photos;

pub use load::{Person, Roster, load_demo, load_path};
