//! Everything that moves bytes between sockets and rooms: the accept loop,
//! the WebSocket handshake, the socket shared by its task and the fan-out,
//! each room's fan-out (the API rooms use) and the runtimes it all runs on.

pub mod accept;
pub mod busy;
pub mod fanout;
pub mod frame_meter;
pub mod idle;
pub mod runtimes;
pub mod socket;
pub mod upgrade;
