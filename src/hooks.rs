//! The SPA's own reactive building blocks: a write that runs one request at a time, and polling while something
//! is settling.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use leptos::prelude::*;

use crate::api::ApiError;
use crate::auth::SignIn;

/// Asks again (`poll`) every `every` for as long as `settling` holds; stops as soon as it does not, or when the
/// component goes away.
pub fn use_poll_while(settling: impl Fn() -> bool + 'static, every: Duration, poll: impl Fn() + Clone + 'static) {
    Effect::new(move |_| {
        if settling() {
            let poll = poll.clone();
            let handle = set_timeout_with_handle(poll, every).ok();
            on_cleanup(move || {
                if let Some(h) = handle {
                    h.clear();
                }
            });
        }
    });
}

/// The request (and whatever follows its success) that one run of a [`Write`] makes.
type Job = Pin<Box<dyn Future<Output = Result<(), ApiError>>>>;

/// A change the page asks the server for, on Leptos's `Action`: one request at a time (asking again while it runs
/// does nothing), `busy` while it runs, its failure until it runs again, and a signed-out answer sent to sign-in.
/// Every write shares one `Action` type (its input is the job to run) and the state below, which keeps the wasm
/// small; only turning the input into the job is per write.
pub struct Write<I: 'static> {
    state: WriteState,
    job: StoredValue<Box<dyn Fn(I) -> Job>, LocalStorage>,
}

impl<I> Clone for Write<I> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<I> Copy for Write<I> {}

impl<I> std::ops::Deref for Write<I> {
    type Target = WriteState;
    fn deref(&self) -> &WriteState {
        &self.state
    }
}

/// `run` makes the request and does whatever follows a success; it is called once per accepted [`Write::run`].
pub fn use_write<I, Fu>(run: impl Fn(I) -> Fu + 'static) -> Write<I>
where
    I: 'static,
    Fu: Future<Output = Result<(), ApiError>> + 'static,
{
    Write {
        state: WriteState::new(),
        job: StoredValue::new_local(Box::new(move |input| Box::pin(run(input)) as Job)),
    }
}

impl<I: 'static> Write<I> {
    /// Starts it, unless it is already running.
    pub fn run(&self, input: I) {
        if !self.state.busy.get_untracked() {
            self.state.start(self.job.with_value(|make| make(input)));
        }
    }
}

/// What a [`Write`] shows: whether it runs, and how its last run ended.
#[derive(Clone, Copy)]
pub struct WriteState {
    action: Action<RefCell<Option<Job>>, Result<(), ApiError>>,
    busy: Memo<bool>,
}

impl WriteState {
    fn new() -> Self {
        let sign_in = SignIn::new();
        let action = Action::new_local(move |job: &RefCell<Option<Job>>| {
            let job = job.borrow_mut().take();
            async move {
                let answer = match job {
                    Some(job) => job.await,
                    None => Ok(()),
                };
                if let Err(e) = &answer {
                    sign_in.redirects(e);
                }
                answer
            }
        });
        Self {
            action,
            busy: action.pending(),
        }
    }

    fn start(&self, job: Job) {
        self.action.dispatch_local(RefCell::new(Some(job)));
    }

    pub fn busy(&self) -> Signal<bool> {
        self.busy.into()
    }

    /// How many times it finished: a read keyed on it asks again after each.
    pub fn version(&self) -> RwSignal<usize> {
        self.action.version()
    }

    /// Forgets the last answer (its failure stops showing).
    pub fn clear(&self) {
        self.action.clear();
    }

    /// The last run's failure, while it is not running again.
    pub fn failure(&self) -> Signal<Option<ApiError>> {
        let (value, busy) = (self.action.value(), self.busy);
        Signal::derive(move || {
            if busy.get() {
                return None;
            }
            value.with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()))
        })
    }

    /// The last run's failure in words, while it is not running again.
    pub fn error(&self, words: fn(&ApiError) -> String) -> Signal<Option<String>> {
        let failure = self.failure();
        Signal::derive(move || failure.with(|f| f.as_ref().map(words)))
    }

    /// Whether the last run succeeded.
    pub fn succeeded(&self) -> Signal<bool> {
        let value = self.action.value();
        Signal::derive(move || value.with(|v| matches!(v, Some(Ok(())))))
    }
}
