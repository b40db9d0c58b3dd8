//! Everything that moves bytes between sockets and rooms: the WebSocket
//! handshake, the socket shared by its task and the fan-out, the fan-out
//! shards and their keep-alive sweep, and the runtime they run on.

pub mod accept;
pub mod busy;
pub mod fanout;
pub mod frame_meter;
pub mod idle;
pub mod runtimes;
pub mod socket;
pub mod upgrade;
