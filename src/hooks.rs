//! The SPA's own reactive building blocks: a read of the server, a write that runs one request at a time, and
//! polling while something is settling.

use std::any::Any;
use std::cell::RefCell;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;

use crate::auth::SignIn;
use crate::backend::ApiError;

/// A loaded value of any type: every [`Load`] keeps its value as one.
type Loaded = Rc<dyn Any>;

/// What a [`Load`] runs to (re)load: reads its reactive inputs, then answers the future of the value.
type Fetch = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = Loaded>>>>;

/// A read of the server, on Leptos's `LocalResource`: `None` while the first answer is coming, read inside a
/// `Suspense` or `Transition` like the resource itself, and fetched again when an input it reads changes or on
/// `refetch`. Every load is the same `LocalResource` type underneath (its value is the answer, type-erased):
/// one resource type per answer type would repeat Leptos's async machinery in the wasm for each.
pub struct Load<T> {
    resource: LocalResource<Loaded>,
    value: PhantomData<fn() -> T>,
}

impl<T> Clone for Load<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Load<T> {}

/// Loads what `fetch` answers. `fetch` runs inside the resource's tracking, so the signals it reads before its
/// future starts are its inputs, as with `LocalResource::new`.
pub fn use_load<T, Fut>(fetch: impl Fn() -> Fut + 'static) -> Load<T>
where
    T: Clone + 'static,
    Fut: Future<Output = T> + 'static,
{
    let fetch: Fetch = Rc::new(move || {
        let answer = fetch();
        Box::pin(async move { Rc::new(answer.await) as Loaded })
    });
    Load {
        resource: load_resource(fetch),
        value: PhantomData,
    }
}

/// Not generic, so the one resource type it makes is built once for every load.
fn load_resource(fetch: Fetch) -> LocalResource<Loaded> {
    LocalResource::new(move || fetch())
}

impl<T: Clone + 'static> Load<T> {
    /// The last answer (tracked), or `None` before the first.
    pub fn get(&self) -> Option<T> {
        self.resource.with(Self::answer)
    }

    /// The last answer, untracked.
    pub fn get_untracked(&self) -> Option<T> {
        self.resource.with_untracked(Self::answer)
    }

    /// Fetches again.
    pub fn refetch(&self) {
        self.resource.refetch();
    }

    /// Only `use_load` makes a `Load<T>`, and it keeps a `T`, so the downcast always finds one.
    fn answer(loaded: &Option<Loaded>) -> Option<T> {
        loaded.as_ref().and_then(|v| v.downcast_ref::<T>()).cloned()
    }
}

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
/// Every write is the same `Action` type (its input is the job to run), which keeps the wasm small.
#[derive(Clone, Copy)]
pub struct Write {
    action: Action<RefCell<Option<Job>>, Result<(), ApiError>>,
    busy: Memo<bool>,
}

pub fn use_write() -> Write {
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
    Write {
        action,
        busy: action.pending(),
    }
}

impl Write {
    /// Runs `job` (the request, then whatever follows its success), unless a run is still going.
    pub fn run(&self, job: impl Future<Output = Result<(), ApiError>> + 'static) {
        if !self.busy.get_untracked() {
            self.start(Box::pin(job));
        }
    }

    /// Runs `job` even while an earlier run is going (a newer choice replaces an older one still saving); the
    /// busy and error signals follow the newest run.
    pub fn run_latest(&self, job: impl Future<Output = Result<(), ApiError>> + 'static) {
        self.start(Box::pin(job));
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

    /// The last run's failure in words, while it is not running again.
    pub fn error(&self, words: fn(&ApiError) -> String) -> Signal<Option<String>> {
        let (value, busy) = (self.action.value(), self.busy);
        Signal::derive(move || {
            if busy.get() {
                return None;
            }
            value.with(|v| v.as_ref().and_then(|r| r.as_ref().err().map(words)))
        })
    }

    /// Whether the last run succeeded.
    pub fn succeeded(&self) -> Signal<bool> {
        let value = self.action.value();
        Signal::derive(move || value.with(|v| matches!(v, Some(Ok(())))))
    }
}
