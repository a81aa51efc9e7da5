//! Files: session files that resume a simulation bit for bit (RON), weights for other tools
//! (JSON), and exports (PNG images, CSV traces, 0/1 text).
//!
//! Every write goes to a temporary file in the same folder, is synced, and is renamed over the
//! old one ([`atomic`]); every read is checked before anything is replaced, and each kind of
//! damage gets its own message ([`PersistError`]).

pub mod atomic;
pub mod error;
pub mod export;
pub mod interchange;
pub mod read;
pub mod session;
mod session_v1;
pub mod shipped;

pub use error::PersistError;
pub use session::{load_session, save_session, session_from_str, session_to_string};
