//! The server's runtimes, built in one place for `main` and tests alike:
//! the phones' (main) runtime and, with two cores or more, the fan-out
//! runtime, where the rooms' fan-outs and the host screens run.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{
    AtomicUsize,
    Ordering::{AcqRel, Acquire},
};

use tokio::runtime::{Builder, Handle, Runtime};

/// Host-screen sockets that have not said `hello` yet may be this many on
/// the fan-out runtime; more go to the main one (anyone may ask for
/// `role=host`, and a flood of them must not reach the fan-out's threads).
const MAX_UNIDENTIFIED: usize = 64;

/// Both runtimes; dropping it ends them (anywhere, a test's task too).
///
/// `main` runs `runtimes.block_on(...)`; an in-process test server starts
/// its app with `runtimes.spawn(...)` and gives
/// [`Runtimes::fanout`] to `Options::fanout_runtime` so that rooms put their
/// fan-outs there, as the binary does.
#[derive(Debug)]
pub struct Runtimes {
    /// `None` only while being dropped.
    main: Option<Runtime>,
    fanout: Option<FanoutRuntime>,
    /// Ends the fan-out runtime when dropped (after `main`).
    _stop_fanout: Option<StopFanout>,
}

impl Runtimes {
    /// The main runtime (tokio's defaults) and, if this process may use
    /// more than one core and its threads start, the fan-out runtime.
    pub fn new() -> std::io::Result<Self> {
        let main = Builder::new_multi_thread().enable_all().build()?;
        let (fanout, stop) = FanoutRuntime::start_if_useful().unzip();
        Ok(Self {
            main: Some(main),
            fanout,
            _stop_fanout: stop,
        })
    }

    /// Where rooms put their fan-outs and host screens (`None`: one core,
    /// everything on the main runtime).
    pub fn fanout(&self) -> Option<FanoutRuntime> {
        self.fanout.clone()
    }

    fn main(&self) -> &Runtime {
        // Only `drop` takes it.
        self.main
            .as_ref()
            .expect("the main runtime lives until drop")
    }

    /// The main runtime's handle.
    pub fn handle(&self) -> &Handle {
        self.main().handle()
    }

    /// Runs `task` to its end on the main runtime (from outside any runtime).
    pub fn block_on<F: Future>(&self, task: F) -> F::Output {
        self.main().block_on(task)
    }

    /// Starts `task` on the main runtime.
    pub fn spawn<F>(&self, task: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.main().spawn(task)
    }
}

impl Drop for Runtimes {
    fn drop(&mut self) {
        if let Some(main) = self.main.take() {
            // Inside another runtime's task (a test's), a runtime may not
            // wait for its threads: it ends in the background there.
            if Handle::try_current().is_ok() {
                main.shutdown_background();
            } else {
                drop(main);
            }
        }
    }
}

/// Ends the fan-out runtime when dropped (from a thread of its own: a
/// runtime may not be dropped inside another's tasks).
#[derive(Debug)]
struct StopFanout {
    _sender: std::sync::mpsc::Sender<()>,
}

/// The fan-out runtime, as rooms and the WebSocket route use it (a cheap
/// clone; [`Runtimes`] decides when it ends).
#[derive(Debug, Clone)]
pub struct FanoutRuntime {
    handle: Handle,
    cores: usize,
    /// Sockets on it that have not proved to be host screens yet.
    unidentified: Arc<AtomicUsize>,
}

impl FanoutRuntime {
    /// A fan-out runtime if this process may use more than one core (and
    /// its threads start), else `None`: everything on the main runtime.
    fn start_if_useful() -> Option<(Self, StopFanout)> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores < 2 {
            return None;
        }
        Self::start(cores)
            .inspect_err(|e| tracing::warn!("no fan-out runtime, one runtime for all: {e}"))
            .ok()
    }

    /// Two threads per core: a room's question then finds a thread free
    /// even while other rooms' reveals are being written (measured in 20
    /// rooms at once: `docs/benchmarks.md`).
    fn start(cores: usize) -> std::io::Result<(Self, StopFanout)> {
        // Built, kept and dropped on a thread of its own: a runtime may not
        // be dropped inside another's tasks.
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let (started, handle) = std::sync::mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("fanout-keeper".into())
            .spawn(move || {
                let runtime = Builder::new_multi_thread()
                    .worker_threads(2 * cores)
                    .thread_name("yearbook-fanout")
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
            .map_err(|_| std::io::Error::other("the fan-out runtime's thread ended"))??;
        let runtime = Self {
            handle,
            cores,
            unidentified: Arc::new(AtomicUsize::new(0)),
        };
        Ok((runtime, StopFanout { _sender: stop }))
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

/// A place among the fan-out runtime's unidentified sockets, given back when
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

    /// An in-process test server builds them in its test's task and drops
    /// them there.
    #[tokio::test]
    async fn runtimes_run_tasks_and_end_when_dropped_inside_a_task() {
        let runtimes = Runtimes::new().unwrap();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(runtimes.fanout().is_some(), cores >= 2);
        assert_eq!(runtimes.spawn(async { 6 * 7 }).await.unwrap(), 42);
        if let Some(fanout) = runtimes.fanout() {
            let (tx, rx) = tokio::sync::oneshot::channel();
            fanout.spawn(async move {
                let _ = tx.send(std::thread::current().name().map(String::from));
            });
            assert_eq!(rx.await.unwrap().as_deref(), Some("yearbook-fanout"));
        }
        // A task still running when they go is ended with them.
        let (_never_sent, never) = tokio::sync::oneshot::channel::<()>();
        let running = runtimes.spawn(async move {
            let _ = never.await;
        });
        drop(runtimes);
        assert!(running.await.unwrap_err().is_cancelled());
    }

    #[test]
    fn only_so_many_unidentified_sockets_go_to_the_fanout_runtime() {
        let (fanout, _stop) = FanoutRuntime::start(2).unwrap();
        let mut seats: Vec<_> = (0..MAX_UNIDENTIFIED)
            .map(|_| fanout.admit().unwrap())
            .collect();
        assert!(fanout.admit().is_none(), "one too many");
        seats.pop();
        let again = fanout.admit();
        assert!(again.is_some(), "a place given back is free again");
        assert!(fanout.admit().is_none());
    }
}
