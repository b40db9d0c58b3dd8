//! The front runtime: host screens (connected with `?role=host`) and the
//! rooms' fan-outs run on threads of their own, the phones on the main
//! runtime, so a host's `start_round` is not read and fanned out behind
//! thousands of woken phones. Only with two cores or more. Why, measured:
//! `docs/benchmarks.md`, "How the server fans out".

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{
    AtomicUsize,
    Ordering::{AcqRel, Acquire},
};

use tokio::runtime::{Builder, Handle};

/// Host-screen sockets that have not said `hello` yet may be this many on
/// the front runtime; more go to the main one (anyone may ask for
/// `role=host`, and a flood of them must not reach the fan-out's threads).
const MAX_UNIDENTIFIED: usize = 64;

#[derive(Debug)]
pub struct FanoutRuntime {
    handle: Handle,
    cores: usize,
    /// Sockets on it that have not proved to be host screens yet.
    unidentified: Arc<AtomicUsize>,
    /// Dropping it ends the runtime (from a thread of its own: a runtime
    /// may not be dropped inside another's tasks).
    _stop: std::sync::mpsc::Sender<()>,
}

impl FanoutRuntime {
    /// A front runtime if this process may use more than one core (and
    /// its threads start), else `None`: everything on the main runtime.
    pub fn start_if_useful() -> Option<Self> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores < 2 {
            return None;
        }
        Self::start(cores)
            .inspect_err(|e| tracing::warn!("no front runtime, one runtime for all: {e}"))
            .ok()
    }

    /// Two threads per core: a room's question then finds a thread free
    /// even while other rooms' reveals are being written (measured in 20
    /// rooms at once: `docs/benchmarks.md`).
    fn start(cores: usize) -> std::io::Result<Self> {
        // Built, kept and dropped on a thread of its own: a runtime may not
        // be dropped inside another's tasks, which is where we are called.
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let (started, handle) = std::sync::mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("yearbook-front-keeper".into())
            .spawn(move || {
                let runtime = Builder::new_multi_thread()
                    .worker_threads(2 * cores)
                    .thread_name("yearbook-front")
                    // Its tasks are few and long (a fan-out to hundreds of
                    // sockets): look at the host screens' sockets after
                    // each one.
                    .event_interval(1)
                    .enable_all()
                    .build();
                match runtime {
                    Ok(runtime) => {
                        let _ = started.send(Ok(runtime.handle().clone()));
                        let _ = stopped.recv();
                        runtime.shutdown_background();
                    }
                    Err(e) => {
                        let _ = started.send(Err(e));
                    }
                }
            })?;
        let handle = handle
            .recv()
            .map_err(|_| std::io::Error::other("the front runtime's thread ended"))??;
        Ok(Self {
            handle,
            cores,
            unidentified: Arc::new(AtomicUsize::new(0)),
            _stop: stop,
        })
    }

    /// Where a socket asking for `role=host` runs, and its place among the
    /// unidentified until it says `hello`; `None` when there are too many
    /// already (it runs on the main runtime then).
    pub fn admit(&self) -> Option<(Handle, Unidentified)> {
        let taken = self
            .unidentified
            .fetch_update(AcqRel, Acquire, |n| (n < MAX_UNIDENTIFIED).then_some(n + 1))
            .is_ok();
        taken.then(|| (self.handle.clone(), Unidentified(self.unidentified.clone())))
    }

    /// The cores it was started for (each room's fan-out has one shard
    /// per core).
    pub fn cores(&self) -> usize {
        self.cores
    }

    pub fn spawn<F>(&self, task: F)
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(task);
    }
}

/// A place among the front runtime's unidentified sockets, given back when
/// dropped (on `hello`, or when the socket ends).
#[derive(Debug)]
pub struct Unidentified(Arc<AtomicUsize>);

impl Drop for Unidentified {
    fn drop(&mut self) {
        self.0.fetch_sub(1, AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_so_many_unidentified_sockets_go_to_the_front() {
        let front = FanoutRuntime::start(2).unwrap();
        let mut seats: Vec<_> = (0..MAX_UNIDENTIFIED)
            .map(|_| front.admit().unwrap())
            .collect();
        assert!(front.admit().is_none(), "one too many");
        seats.pop();
        let again = front.admit();
        assert!(again.is_some(), "a place given back is free again");
        assert!(front.admit().is_none());
    }
}
