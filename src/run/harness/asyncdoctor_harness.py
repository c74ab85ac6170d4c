"""asyncdoctor run: the in-process harness (CPython 3.9-3.14, standard library only).

Loaded by the `sitecustomize` shim that `asyncdoctor run` puts first on the
program's PYTHONPATH. It reports what the program's event loops suffered to the
asyncdoctor process over a Unix socket named by ASYNCDOCTOR_SOCKET, one JSON
object per line ("v": 1). It never wraps user coroutines, never patches
Handle._run, never writes to the program's stdout/stderr and never raises into
user code: a failure of its own is reported once over the channel and the hook
that failed is left alone.

Mechanisms:
- loops are noticed when they start running: asyncio.events._set_running_loop
  is wrapped (BaseEventLoop and uvloop both call it);
- a heartbeat callback on each running loop plus a watchdog thread that samples
  the loop thread's stack with sys._current_frames() while it is late (AD801);
- BaseEventLoop.create_task is wrapped (for other loops such as uvloop, a task
  factory is installed unless the program has one) to record the first user
  frame (code object + instruction offset; the line is worked out only if the
  task is reported) as the creation site, keeping only weak references
  (AD803/AD804/AD806/AD809); under heavy task churn it records a sample of at
  most _SITE_BUDGET tasks per heartbeat and steps aside until the next one;
- the loop's exception handler path (destroyed pending, never retrieved);
- warnings._warn_unawaited_coroutine (AD802) and a ResourceWarning capture that
  shows the warning only where the program's own filters would (AD805);
- asyncio.runners._cancel_all_tasks / loop.close / atexit / SIGTERM (AD806);
- a periodic progress check with the await graph and asyncio.Lock owners (AD807);
- BaseEventLoop.call_soon/call_at called from a foreign thread (AD808),
  installed only once the program starts a thread;
- tasks that were cancelled but finished without CancelledError (AD809, 3.11+):
  Task.cancel/uncancel are wrapped and each cancelled task is kept until it is
  seen finished (no done-callbacks: they would show in the task's repr);
- `asyncdoctor tasks PID`: a control socket in ASYNCDOCTOR_CONTROL_DIR that
  answers with a snapshot of every loop's tasks.
"""

import sys
import os
import threading
import json
import time

VERSION = 1
_mono = time.monotonic
_getframe = sys._getframe
_get_ident = threading.get_ident

_cfg = {}
_here = os.path.dirname(os.path.abspath(__file__))
_sock = None  # the channel's raw descriptor: no socket object, nothing to warn about at exit
_queue = []  # pending lines; list.append is atomic under the GIL
_send_lock = threading.Lock()
_errors_reported = set()
_states = {}  # id(loop) -> _LoopState
_stats = {"created": 0, "destroyed": 0}
_installed = False
_Task = None
_asyncio = None
_user_cache = {}
_stdlib_prefixes = ()
from weakref import ref as _weakref
# Test-only fault injection: makes one hook fail, to prove a failing harness
# never disturbs the program.
_fault = os.environ.get("ASYNCDOCTOR_FAULT")


# ---------------------------------------------------------------- channel


def _emit(event):
    event["v"] = VERSION
    event["pid"] = os.getpid()
    try:
        line = json.dumps(event, default=repr) + "\n"
    except Exception as exc:
        line = json.dumps({"v": VERSION, "pid": os.getpid(), "type": "harness_error",
                           "where": "encode", "error": repr(exc)}) + "\n"
    _queue.append(line.encode("utf-8", "replace"))
    _flush()


def _flush():
    fd = _sock
    if fd is None:
        return
    if not _send_lock.acquire(False):
        return  # whoever holds it drains the queue
    try:
        while _queue:
            data = _queue.pop(0)
            try:
                while data:
                    data = data[os.write(fd, data):]
            except Exception:
                _disconnect()
                return
    finally:
        _send_lock.release()


def _disconnect():
    global _sock
    fd, _sock = _sock, None
    del _queue[:]
    if fd is not None:
        try:
            os.close(fd)
        except Exception:
            pass


def harness_error(where, exc):
    """Reported once per place; never raised."""
    try:
        if where in _errors_reported:
            return
        _errors_reported.add(where)
        _emit({"type": "harness_error", "where": str(where),
               "error": "%s: %s" % (type(exc).__name__, exc)})
    except BaseException:
        pass


def _guard(where):
    def deco(fn):
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except BaseException as exc:
                harness_error(where, exc)
        wrapper.__name__ = getattr(fn, "__name__", "hook")
        return wrapper
    return deco


# ---------------------------------------------------------------- frames


def _is_user(filename):
    r = _user_cache.get(filename)
    if r is None:
        f = os.path.normcase(filename)
        if not f or f.startswith("<"):
            r = False
        elif "site-packages" in f or "dist-packages" in f:
            r = False
        elif f.startswith(_stdlib_prefixes):
            r = False
        elif f.startswith(os.path.normcase(_here) + os.sep):
            r = False
        else:
            r = True
        _user_cache[filename] = r
    return r


def _frame_info(f):
    code = f.f_code
    return {"file": code.co_filename, "line": f.f_lineno or code.co_firstlineno or 1,
            "func": getattr(code, "co_qualname", code.co_name),
            "user": _is_user(code.co_filename)}


def _stack(frame, limit=48):
    """Frames from the innermost outwards."""
    out = []
    while frame is not None and len(out) < limit:
        out.append(_frame_info(frame))
        frame = frame.f_back
    return out


def _first_user_frame(frame):
    while frame is not None:
        if _is_user(frame.f_code.co_filename):
            return frame
        frame = frame.f_back
    return None


def _site_of(frame):
    f = _first_user_frame(frame)
    return _frame_info(f) if f is not None else None


def _get_coro(task):
    """The task's coroutine, or None: a 3.12+ eager task that finished while
    being created has none, and get_coro() crashes 3.12.0-3.12.1 on such a
    task, so the _coro attribute (None-safe) is read first."""
    try:
        return task._coro
    except AttributeError:
        pass
    try:
        return task.get_coro()
    except Exception:
        return None


def _coro_name(coro):
    if coro is None:
        return ""
    code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
    if code is None:
        return type(coro).__name__
    return getattr(code, "co_qualname", code.co_name)


def _coro_def(coro):
    code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
    if code is None:
        return None
    return {"file": code.co_filename, "line": code.co_firstlineno or 1,
            "func": getattr(code, "co_qualname", code.co_name),
            "user": _is_user(code.co_filename)}


def _await_chain(task):
    """The coroutine frames a task is suspended in, outermost first."""
    return [_frame_info(frame) for frame in _chain_frames(task)]


def _chain_frames(task):
    """The frame objects of a task's await chain, outermost first (the
    innermost one's locals show what it waits on)."""
    frames = []
    obj = _get_coro(task)
    depth = 0
    while obj is not None and depth < 64:
        depth += 1
        frame = (getattr(obj, "cr_frame", None) or getattr(obj, "gi_frame", None)
                 or getattr(obj, "ag_frame", None))
        if frame is not None:
            frames.append(frame)
        nxt = getattr(obj, "cr_await", None)
        if nxt is None:
            nxt = getattr(obj, "gi_yieldfrom", None)
        if nxt is None:
            nxt = getattr(obj, "ag_await", None)
        obj = nxt
    return frames


def _task_name(task):
    try:
        return task.get_name()
    except Exception:
        return repr(task)


# ---------------------------------------------------------------- tasks


class _LoopState(object):
    __slots__ = ("loop_ref", "tid", "running", "interval", "threshold", "next_due",
                 "handle", "samples", "sample_due", "new", "live", "beats", "hang_every",
                 "fingerprint", "idle_since", "hang_reported", "impl", "started", "disabled",
                 "factory", "over_budget", "cancels", "cancel_check_due", "gen",
                 "requested")

    def __init__(self, loop):
        import weakref
        self.loop_ref = weakref.ref(loop)
        self.tid = _get_ident()
        self.running = False
        self.threshold = _cfg.get("block_ms", 100) / 1000.0
        self.interval = min(self.threshold / 2.0, 0.1)
        self.next_due = 0.0
        self.handle = None
        self.samples = []
        self.sample_due = None
        # id(task) -> (site, weakref) for tasks created since the last beat.
        # Never a strong reference: a task must die when the program drops it.
        self.new = {}
        self.live = {}  # id(task) -> site, for tasks that outlived one beat
        self.beats = 0
        hang = _cfg.get("hang_ms", 10000) / 1000.0
        self.hang_every = max(1, int(min(hang / 4.0, 1.0) / self.interval))
        self.fingerprint = None
        self.idle_since = None
        self.hang_reported = False
        self.impl = "%s.%s" % (type(loop).__module__, type(loop).__qualname__)
        self.started = _mono()
        self.disabled = False
        self.factory = None  # only for loops that are not BaseEventLoops (uvloop)
        self.over_budget = False
        # id(task) -> task (or a weakref to it while the loop is not running):
        # tasks whose cancel() was requested and that have not been seen finish.
        self.cancels = {}
        self.cancel_check_due = False
        # Beats are asked for by the watchdog thread (call_soon_threadsafe)
        # rather than kept in the loop's timer heap: a pending timer makes
        # every loop iteration read the clock twice more, a few percent of
        # an I/O-bound program. `gen` tells a beat asked for before the loop
        # stopped (and run when it starts again) to do nothing.
        self.gen = 0
        self.requested = False


# Creation sites recorded per heartbeat at most: a program that creates tasks
# faster than this (thousands per second) gets sites for a sample of them, and
# pays nothing for the rest.
_SITE_BUDGET = 256


def _make_recorder():
    """note(st, task, frame): counts a new task and notes where it was created
    (the first user frame from `frame` outwards, as code object + offset: the
    line is worked out only if the task is ever reported). False once the
    loop's budget for this beat is spent."""
    cache = _user_cache
    is_user = _is_user
    ref = _weakref
    stats = _stats
    budget = _SITE_BUDGET

    def note(st, task, f):
        stats["created"] += 1
        new = st.new
        if len(new) >= budget:
            # Task churn: stop paying for sites until the next beat.
            st.over_budget = True
            stats["sampled"] = True
            return False
        while f is not None:
            code = f.f_code
            u = cache.get(code.co_filename)
            if u is None:
                u = is_user(code.co_filename)
            if u:
                new[id(task)] = ((code, f.f_lasti), ref(task))
                return True
            f = f.f_back
        new[id(task)] = (None, ref(task))
        return True
    return note


_note_task = None  # set by _patch_asyncio: _make_recorder()
_orig_create_task = None
_create_task_hooked = False


def _wrap_create_task(orig):
    """BaseEventLoop.create_task, noting each new task. Wrapping the method
    rather than installing a task factory keeps the program's own factory
    (e.g. 3.12's eager_task_factory) working as it is and get_task_factory()
    unchanged, and 3.13.0 names every task 'None' when a factory is set."""
    states_get = _states.get
    note = _note_task

    def create_task(self, coro, **kwargs):
        task = orig(self, coro, **kwargs)
        try:
            st = states_get(id(self))
            if st is not None and not note(st, task, _getframe(1)):
                _hook_create_task(False)
            if self._debug:
                _drop_own_frame(task)
        except BaseException as exc:
            harness_error("create_task", exc)
        return task
    create_task.__name__ = orig.__name__
    create_task.__qualname__ = orig.__qualname__
    create_task.__doc__ = orig.__doc__
    create_task.__wrapped__ = orig
    return create_task


def _hook_create_task(on):
    """Puts the wrapper on BaseEventLoop (or the original back, for task
    churn: then task creation costs nothing extra until the next beat)."""
    global _create_task_hooked
    if on == _create_task_hooked or _orig_create_task is None:
        return
    _create_task_hooked = on
    base = _asyncio.base_events.BaseEventLoop
    base.create_task = _wrapped_create_task if on else _orig_create_task


_wrapped_create_task = None


def _drop_own_frame(task):
    """In debug mode a task records where it was created; create_task drops
    its own frame from that, and this drops ours, as if we were not there."""
    tb = getattr(task, "_source_traceback", None)
    if tb and tb[-1].filename == __file__ and tb[-1].name == "create_task":
        del tb[-1]


def _make_task_factory(st):
    """For loops whose create_task is not BaseEventLoop's (uvloop): a factory
    that creates the ordinary asyncio.Task and notes where. No wrapper around
    the coroutine, nothing on the task."""
    Task = _Task
    note = _note_task

    def _task_factory(loop, coro, **kwargs):
        task = Task(coro, loop=loop, **kwargs)
        try:
            if not note(st, task, _getframe(1)):
                loop.set_task_factory(None)
        except BaseException as exc:
            harness_error("task_factory", exc)
        return task
    return _task_factory


# ---------------------------------------------------------------- AD809
#
# Python 3.11+ counts cancel requests (Task.cancelling(); uncancel() takes one
# back, as asyncio.timeout() and TaskGroup do). A task that finishes normally
# while a request is still counted swallowed it. To see every such task, even
# one the program drops right after, Task.cancel itself is wrapped: a cancel is
# rare, so this costs nothing per task (a done-callback per task would show in
# every task's repr and cost a loop callback each). The cancelled task is kept
# until it is seen finished: at a check scheduled right after the cancel
# (call_soon: it runs after the task's own wake-up, so a task that swallows
# the cancellation at once is checked before anything else could drop it),
# then at each heartbeat, when the loop stops, and at exit.
#
# Requests that asyncio's own TaskGroup and timeout make are counted apart
# (and uncancel() from there takes them back): in 3.11 and 3.12 a TaskGroup
# whose child fails while the parent waits in `async with` never takes its
# request back, which is not the parent task's doing.
#
# Before 3.11 there is no request count, and timeouts (async-timeout, anyio)
# swallow cancellations on purpose, so AD809 is not reported there.

_cancel_hooked = False
_asyncio_cancellers = frozenset()  # code objects whose cancel() asyncio takes back itself
_asyncio_uncancellers = frozenset()


def _hook_task_cancel(asyncio):
    global _cancel_hooked, _asyncio_cancellers, _asyncio_uncancellers
    tasks_mod = asyncio.tasks
    if not hasattr(tasks_mod.Task, "cancelling"):
        return
    cancellers, uncancellers = set(), set()
    for mod, cls, cancel, uncancel in (("taskgroups", "TaskGroup", "_on_task_done", "__aexit__"),
                                       ("timeouts", "Timeout", "_on_timeout", "__aexit__")):
        owner = getattr(getattr(asyncio, mod, None), cls, None)
        for names, codes in ((cancel, cancellers), (uncancel, uncancellers)):
            code = getattr(getattr(owner, names, None), "__code__", None)
            if code is not None:
                codes.add(code)
    _asyncio_cancellers = frozenset(cancellers)
    _asyncio_uncancellers = frozenset(uncancellers)
    classes = [tasks_mod.Task]
    py_task = getattr(tasks_mod, "_PyTask", None)
    if py_task is not None and py_task is not tasks_mod.Task:
        classes.append(py_task)
    for cls in classes:
        cancel = cls.__dict__.get("cancel")
        uncancel = cls.__dict__.get("uncancel")
        if cancel is None or uncancel is None:
            continue
        _set_type_attr(cls, "uncancel", _wrap_uncancel(uncancel))
        _set_type_attr(cls, "cancel", _wrap_cancel(cancel))
    _cancel_hooked = True


def _set_type_attr(cls, name, value):
    """setattr, also on the C Task type, which Python does not let one
    change: its dict is reached through gc and changed in place. Then the
    type must be marked modified, or cached lookups (the specialising
    interpreter's too) keep finding the old method; the __abstractmethods__
    descriptor calls PyType_Modified on any type, and setting then deleting it
    leaves the type's dict as it was."""
    try:
        setattr(cls, name, value)
        return
    except TypeError:
        pass
    import gc
    dicts = [d for d in gc.get_referents(cls.__dict__) if type(d) is dict]
    if len(dicts) != 1 or name not in dicts[0]:
        raise RuntimeError("cannot reach %s's dict" % cls.__name__)
    marker = type.__dict__["__abstractmethods__"]
    dicts[0][name] = value
    marker.__set__(cls, frozenset())
    marker.__delete__(cls)


def _wrap_cancel(orig):
    def cancel(self, msg=None):
        requested = orig(self, msg)
        if requested:
            try:
                _cancel_requested(self, _getframe(1).f_code)
            except BaseException as exc:
                harness_error("task_cancel", exc)
        return requested
    return _like(cancel, orig, "Task.cancel")


def _wrap_uncancel(orig):
    def uncancel(self):
        left = orig(self)
        try:
            if _getframe(1).f_code in _asyncio_uncancellers:
                _asyncio_took_back(self)
        except BaseException as exc:
            harness_error("task_uncancel", exc)
        return left
    return _like(uncancel, orig, "Task.uncancel")


def _like(new, orig, qualname):
    new.__name__ = getattr(orig, "__name__", qualname.split(".")[-1])
    new.__qualname__ = getattr(orig, "__qualname__", qualname)
    new.__doc__ = orig.__doc__
    new.__wrapped__ = orig
    return new


def _cancel_requested(task, caller):
    loop = task.get_loop()
    st = _states.get(id(loop))
    if st is None or st.loop_ref() is not loop or st.disabled:
        return
    key = id(task)
    # [the task (a weakref while the loop is not running: a task the program
    #  drops with its loop is then destroyed, and reported, as without us),
    #  the requests asyncio itself will take back]
    entry = st.cancels.get(key)
    if entry is None:
        entry = st.cancels[key] = [task if st.running else _weakref(task), 0]
    elif st.running:
        entry[0] = task
    if caller in _asyncio_cancellers:
        entry[1] += 1
    if st.running and not st.cancel_check_due and st.tid == _get_ident():
        st.cancel_check_due = True
        loop.call_soon(_check_cancels, st)


def _asyncio_took_back(task):
    st = _states.get(id(task.get_loop()))
    entry = st.cancels.get(id(task)) if st is not None else None
    if entry is not None and entry[1] > 0:
        entry[1] -= 1


def _check_cancels(st, stopping=False):
    """Tasks whose cancel was requested: a finished one is checked and let
    go; one whose requests were all taken back (uncancel) is let go, a new
    cancel() brings it back; the others are kept (weakly once the loop stops).
    Also a loop callback: never raises."""
    try:
        _check_cancels_now(st, stopping)
    except BaseException as exc:
        harness_error("cancel_check", exc)


def _check_cancels_now(st, stopping):
    st.cancel_check_due = False
    cancels = st.cancels
    if not cancels:
        return
    for key, entry in list(cancels.items()):
        task = entry[0]() if type(entry[0]) is _weakref else entry[0]
        if task is None:
            del cancels[key]
        elif task.done():
            del cancels[key]
            if _swallowed_cancel(task, entry[1]):
                _report_swallowed(task, _site_for(task))
        elif task.cancelling() == 0:
            del cancels[key]
        elif stopping and type(entry[0]) is not _weakref:
            entry[0] = _weakref(task)
    task = entry = None


def _line_of(code, lasti):
    line = None
    try:
        for start, end, ln in code.co_lines():  # 3.10+
            if start <= lasti < end:
                line = ln
                break
    except AttributeError:
        import dis
        for offset, ln in dis.findlinestarts(code):
            if offset > lasti:
                break
            line = ln
    return line or code.co_firstlineno or 1


def _site_dict(site):
    if site is None:
        return None
    code, lasti = site
    return {"file": code.co_filename, "line": _line_of(code, lasti),
            "func": getattr(code, "co_qualname", code.co_name), "user": True}


def _swallowed_cancel(task, asyncio_requests=0):
    """A task that was asked to cancel (3.11+ counts requests) and finished
    normally, with more requests left than asyncio's own (see AD809 above)."""
    cancelling = getattr(task, "cancelling", None)
    if cancelling is None or task.cancelled() or cancelling() <= asyncio_requests:
        return False
    # Never task.exception(): it would mark the exception as retrieved.
    return getattr(task, "_exception", None) is None


def _report_swallowed(task, site):
    coro = _get_coro(task)
    _emit({"type": "cancel_swallowed", "task": _task_name(task), "coro": _coro_name(coro),
           "site": _site_dict(site), "defined": _coro_def(coro)})


def _task_done(task, site):
    """A finished task seen by a periodic look; AD809 from here only if
    Task.cancel could not be wrapped (then a task dropped between two looks
    is missed)."""
    if not _cancel_hooked and _swallowed_cancel(task):
        _report_swallowed(task, site)


def _scan_new(st):
    """Tasks created since the last beat: finished ones are checked and released,
    the others are kept by id only (never keeping them alive)."""
    new = st.new
    if not new:
        return
    items = list(new.items())
    new.clear()  # the factory keeps adding to this same dict
    born = _mono()
    live = st.live
    for key, entry in items:
        task = entry[1]()
        if task is None:
            continue  # finished (or destroyed) and freed already
        if task.done():
            _task_done(task, entry[0])
            if getattr(task, "_log_traceback", False):
                # Failed, and still referenced (by a reference cycle, say):
                # AD804 needs its site when it is freed.
                live[key] = (entry[0], born, entry[1])
        else:
            # No done-callback: it would show in the task's repr.
            live[key] = (entry[0], born, entry[1])
    task = None


def _prune(st):
    """Tasks that outlived a beat: count the finished ones and check them (AD809).
    A task that finished and was freed between two checks is only counted."""
    live = st.live
    for key, entry in list(live.items()):
        task = entry[2]()
        if task is None:
            del live[key]
        elif task.done() and not getattr(task, "_log_traceback", False):
            del live[key]
            _task_done(task, entry[0])
    task = None


def _site_for(task):
    key = id(task)
    for st in list(_states.values()):
        entry = st.new.get(key)
        if entry is not None:
            alive = entry[1]()
            if alive is None or alive is task:  # weakrefs die before finalizers run
                return entry[0]
        entry = st.live.get(key)
        if entry is not None:
            alive = entry[2]()
            if alive is None or alive is task:
                return entry[0]
    return None


def _age_ms(task):
    key = id(task)
    for st in list(_states.values()):
        entry = st.live.get(key)
        if entry is not None:
            return int((_mono() - entry[1]) * 1000)
    return None


def _describe_task(task):
    coro = _get_coro(task)
    site = _site_for(task)
    return {"name": _task_name(task), "coro": _coro_name(coro) if coro is not None else "?",
            "site": _site_dict(site), "defined": _coro_def(coro) if coro is not None else None,
            "chain": _await_chain(task), "age_ms": _age_ms(task)}


# ---------------------------------------------------------------- heartbeat / watchdog


def _beat(st, gen):
    if gen != st.gen:
        return  # asked for before the loop stopped
    try:
        st.requested = False
        st.handle = None
        now = _mono()
        late = now - st.next_due
        if late > st.threshold:
            _report_stall(st, late)
        st.samples = []
        st.beats += 1
        if _fault == "heartbeat":
            raise RuntimeError("fault injected by ASYNCDOCTOR_FAULT")
        if st.cancels:
            _check_cancels(st)  # before _scan_new lets go of creation sites
        _scan_new(st)
        if st.over_budget:
            _resume_sites(st)
        if st.beats % st.hang_every == 0:
            _prune(st)
            _hang_check(st, now)
        st.next_due = _mono() + st.interval
    except BaseException as exc:
        # Stop watching this loop rather than report stalls we cannot measure.
        st.disabled = True
        st.running = False
        harness_error("heartbeat", exc)


def _report_stall(st, late):
    samples = st.samples if st.sample_due == st.next_due else []
    blame = None
    frames = []
    callee = None
    if samples:
        counts = {}
        first = {}
        for stack in samples:
            for i, fr in enumerate(stack):
                if _is_user(fr["file"]):
                    key = (fr["file"], fr["line"])
                    counts[key] = counts.get(key, 0) + 1
                    if key not in first:
                        first[key] = (stack, i)
                    break
        if counts:
            key = max(counts, key=lambda k: counts[k])
            stack, i = first[key]
            blame = stack[i]
            frames = stack
            if i > 0:
                callee = stack[i - 1]
        else:
            frames = samples[0]
    _emit({"type": "stall", "duration_ms": round(late * 1000.0, 1), "blame": blame,
           "callee": callee, "frames": frames[:32], "samples": len(samples),
           "threshold_ms": _cfg.get("block_ms", 100)})


def _watchdog():
    poll = 0.005
    while True:
        try:
            any_loop = False
            now = _mono()
            for st in list(_states.values()):
                if not st.running:
                    continue
                any_loop = True
                poll = max(0.005, min(st.threshold / 4.0, 0.05))
                due = st.next_due
                if now >= due and not st.requested:
                    _request_beat(st)
                if now - due > st.threshold:
                    if st.sample_due != due:
                        st.sample_due = due
                        st.samples = []
                    if len(st.samples) < 32:
                        frame = sys._current_frames().get(st.tid)
                        if frame is not None:
                            st.samples.append(_stack(frame))
                        frame = None
            _flush()
            time.sleep(poll if any_loop else 0.05)
        except BaseException as exc:
            harness_error("watchdog", exc)
            time.sleep(0.1)


def _request_beat(st):
    """From the watchdog thread: run the loop's next beat as soon as it can."""
    loop = st.loop_ref()
    if loop is None or st.disabled:
        return
    st.requested = True
    try:
        st.handle = loop.call_soon_threadsafe(_beat, st, st.gen)
    except RuntimeError:
        st.requested = False  # closed between the check and the call


_watchdog_started = False


def _start_watchdog():
    global _watchdog_started
    if _watchdog_started:
        return
    t = threading.Thread(target=_watchdog, name="asyncdoctor-watchdog", daemon=True)
    try:
        _orig_thread_start(t)
    except RuntimeError:
        # A loop started at interpreter shutdown (from atexit, say): 3.12+
        # starts no threads then. Its stalls are still timed, not sampled.
        return
    _watchdog_started = True


# ---------------------------------------------------------------- loop start/stop


def _state_for(loop):
    st = _states.get(id(loop))
    if st is None or st.loop_ref() is not loop:
        for key, old in list(_states.items()):
            if old.loop_ref() is None:
                del _states[key]
        st = _LoopState(loop)
        _states[id(loop)] = st
        _emit({"type": "loop", "impl": st.impl})
        _install_exception_hook(loop)
    return st


def _on_loop_created(loop):
    """Tasks created before the loop runs (asyncio.run's main task, manual
    loops) get creation sites too (create_task looks the loop up)."""
    _state_for(loop)


def _resume_sites(st):
    """The next beat after task churn: record creation sites again."""
    st.over_budget = False
    if st.factory is None:
        _hook_create_task(True)
        return
    loop = st.loop_ref()
    if loop is not None and loop.get_task_factory() is None:
        loop.set_task_factory(st.factory)


def _wrap_init(orig):
    def __init__(self, *args, **kwargs):
        orig(self, *args, **kwargs)
        try:
            _on_loop_created(self)
        except BaseException as exc:
            harness_error("loop_init", exc)
    __init__.__wrapped__ = orig
    __init__.__doc__ = orig.__doc__
    return __init__


def _on_loop_start(loop):
    st = _state_for(loop)
    st.tid = _get_ident()
    if st.disabled:
        return
    st.running = True
    if not isinstance(loop, _asyncio.base_events.BaseEventLoop):
        # Another loop implementation (uvloop): a task factory, unless the
        # program has its own.
        if st.factory is None:
            st.factory = _make_task_factory(st)
        if loop.get_task_factory() is None:
            loop.set_task_factory(st.factory)
    st.gen += 1
    st.requested = False
    st.handle = None
    st.next_due = _mono() + st.interval
    _start_watchdog()
    _start_control()


def _on_loop_stop(loop):
    st = _states.get(id(loop))
    if st is None or st.disabled:
        return
    st.running = False
    st.gen += 1
    late = _mono() - st.next_due
    if late > st.threshold:
        _report_stall(st, late)
    if st.handle is not None:
        st.handle.cancel()
        st.handle = None
    st.requested = False
    _check_cancels(st, stopping=True)
    _scan_new(st)
    _prune(st)
    if st.over_budget:
        _resume_sites(st)
    _emit_stats()  # cumulative; a process ended by os._exit never runs atexit


def _wrap_set_running_loop(orig):
    def _set_running_loop(loop):
        if loop is None:
            try:
                current = _asyncio.events._get_running_loop()
                if current is not None:
                    _on_loop_stop(current)
            except BaseException as exc:
                harness_error("loop_stop", exc)
            return orig(loop)
        result = orig(loop)
        try:
            _on_loop_start(loop)
        except BaseException as exc:
            harness_error("loop_start", exc)
        return result
    _set_running_loop.__wrapped__ = orig
    _set_running_loop.__doc__ = orig.__doc__
    return _set_running_loop


# ---------------------------------------------------------------- exception handler


def _observe_context(loop, context):
    message = str(context.get("message", ""))
    fut = context.get("task") or context.get("future")
    if message.startswith("Task was destroyed but it is pending"):
        task = context.get("task")
        if task is None:
            return
        _stats["destroyed"] += 1
        info = _describe_task(task)
        info["type"] = "task_destroyed"
        _emit(info)
    elif message.endswith("exception was never retrieved") and fut is not None:
        exc = context.get("exception")
        is_task = hasattr(fut, "get_coro")
        coro = _get_coro(fut) if is_task else None
        raised = None
        tb = getattr(exc, "__traceback__", None)
        while tb is not None:
            if _is_user(tb.tb_frame.f_code.co_filename):
                raised = {"file": tb.tb_frame.f_code.co_filename, "line": tb.tb_lineno,
                          "func": tb.tb_frame.f_code.co_name}
            tb = tb.tb_next
        _emit({"type": "exception_never_retrieved",
               "task": _task_name(fut) if is_task else repr(fut),
               "coro": _coro_name(coro),
               "exception": "%s: %s" % (type(exc).__name__, exc) if exc is not None else "",
               "site": _site_dict(_site_for(fut)),
               "defined": _coro_def(coro) if coro is not None else None,
               "raised": raised})


def _install_exception_hook(loop):
    base = getattr(_asyncio, "BaseEventLoop", None)
    if base is not None and isinstance(loop, base):
        return  # BaseEventLoop.call_exception_handler is wrapped at class level
    previous = loop.get_exception_handler()

    def handler(lp, context):
        try:
            _observe_context(lp, context)
        except BaseException as exc:
            harness_error("exception_handler", exc)
        if previous is not None:
            return previous(lp, context)
        return lp.default_exception_handler(context)
    loop.set_exception_handler(handler)


def _wrap_call_exception_handler(orig):
    def call_exception_handler(self, context):
        try:
            _observe_context(self, context)
        except BaseException as exc:
            harness_error("exception_handler", exc)
        return orig(self, context)
    call_exception_handler.__wrapped__ = orig
    call_exception_handler.__doc__ = orig.__doc__
    return call_exception_handler


# ---------------------------------------------------------------- AD808
#
# Only code running in another thread can call the loop from one, so the
# check on BaseEventLoop.call_soon/call_at (a hot path: a future's callbacks
# go through call_soon) is on only while such code may run: for good once the
# program starts a thread of its own, and while a ThreadPoolExecutor work item
# runs (run_in_executor, asyncio.to_thread, and getaddrinfo behind every
# open_connection): idle executor workers run no program code.

_threads_started = False  # a thread of the program's own (not an executor worker)
_work_items = 0  # executor work items running now
_work_lock = threading.Lock()
_thread_check_on = False
_loop_calls = None  # {"call_soon": (original, checking), "call_at": ...}
_orig_thread_start = threading.Thread.start


def _thread_start(self):
    global _threads_started
    try:
        if not _threads_started:
            if _is_executor_worker(self):
                _watch_work_items(sys.modules["concurrent.futures.thread"])
            else:
                _threads_started = True
                _set_thread_check()
    except BaseException as exc:
        harness_error("thread_check", exc)
    return _orig_thread_start(self)


def _is_executor_worker(thread):
    cft = sys.modules.get("concurrent.futures.thread")
    worker = getattr(cft, "_worker", None)
    return worker is not None and getattr(thread, "_target", None) is worker


_work_items_watched = False


def _watch_work_items(cft):
    """Counts the executor work items running (the program's code in a worker)."""
    global _work_items_watched
    if _work_items_watched:
        return
    _work_items_watched = True
    orig = cft._WorkItem.run

    def run(self, *args, **kwargs):
        _work_item(1)
        try:
            return orig(self, *args, **kwargs)
        finally:
            _work_item(-1)
    cft._WorkItem.run = _like(run, orig, "_WorkItem.run")


def _work_item(delta):
    global _work_items
    try:
        with _work_lock:
            _work_items += delta
            if _work_items <= 1:
                _set_thread_check()
    except BaseException as exc:
        harness_error("thread_check", exc)


def _set_thread_check():
    """The checking call_soon/call_at on BaseEventLoop while other threads may
    call it, the originals (no cost) otherwise."""
    global _thread_check_on, _loop_calls
    on = _threads_started or _work_items > 0
    if on == _thread_check_on or _asyncio is None:
        return
    base = _asyncio.base_events.BaseEventLoop
    if _loop_calls is None:
        _loop_calls = {name: (getattr(base, name), _wrap_loop_call(getattr(base, name), name))
                       for name in ("call_soon", "call_at")}
    for name, (orig, checking) in _loop_calls.items():
        setattr(base, name, checking if on else orig)
    _thread_check_on = on


def _wrap_loop_call(orig, name):
    def method(self, *args, **kwargs):
        tid = self._thread_id
        if tid is not None and tid != _get_ident():
            try:
                f = _getframe(1)
                _emit({"type": "thread_unsafe", "method": name,
                       "thread": threading.current_thread().name,
                       "site": _site_of(f), "frames": _stack(f, 16)})
                f = None
            except BaseException as exc:
                harness_error("thread_check", exc)
        return orig(self, *args, **kwargs)
    method.__name__ = orig.__name__
    method.__qualname__ = getattr(orig, "__qualname__", name)
    method.__doc__ = orig.__doc__
    method.__wrapped__ = orig
    return method


# ---------------------------------------------------------------- AD806


def _pending_report(loop, reason):
    try:
        tasks = [t for t in _asyncio.all_tasks(loop) if not t.done()]
    except Exception:
        return
    if not tasks:
        return
    _emit({"type": "pending_at_exit", "reason": reason,
           "tasks": [_describe_task(t) for t in tasks[:200]]})


def _wrap_cancel_all_tasks(orig):
    def _cancel_all_tasks(loop):
        try:
            _pending_report(loop, "asyncio.run() finished")
            st = _states.get(id(loop))
            if st is not None:
                st.hang_reported = True  # its cleanup is not a hang
        except BaseException as exc:
            harness_error("cancel_all_tasks", exc)
        return orig(loop)
    _cancel_all_tasks.__wrapped__ = orig
    return _cancel_all_tasks


def _wrap_close(orig):
    def close(self):
        try:
            if not self.is_closed() and not self.is_running():
                _pending_report(self, "the event loop was closed")
        except BaseException as exc:
            harness_error("loop_close", exc)
        return orig(self)
    close.__wrapped__ = orig
    close.__doc__ = orig.__doc__
    return close


@_guard("atexit")
def _at_exit():
    for st in list(_states.values()):
        _check_cancels(st, stopping=True)
        _scan_new(st)
        _prune(st)
        loop = st.loop_ref()
        if loop is not None and not loop.is_closed():
            _pending_report(loop, "the interpreter exited")
    _emit_stats()
    _flush()
    _drop_resource_filter()


def _emit_stats():
    pending = 0
    for st in list(_states.values()):
        for entry in list(st.live.values()):
            task = entry[2]()
            if task is not None and not task.done():
                pending += 1
        for entry in list(st.new.values()):
            task = entry[1]()
            if task is not None and not task.done():
                pending += 1
    created = _stats["created"]
    _emit({"type": "stats", "created": created, "pending": pending,
           "sampled": bool(_stats.get("sampled")),
           "finished": max(0, created - pending - _stats["destroyed"])})


def _on_sigterm(signum, frame):
    try:
        for st in list(_states.values()):
            loop = st.loop_ref()
            if loop is not None and not loop.is_closed():
                _pending_report(loop, "SIGTERM arrived")
        _emit_stats()
        _flush()
    except BaseException:
        pass
    import signal
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


# ---------------------------------------------------------------- live view (`asyncdoctor tasks PID`)


_control_started = False


def _start_control():
    global _control_started
    if _control_started:
        return
    _control_started = True
    directory = os.environ.get("ASYNCDOCTOR_CONTROL_DIR")
    if not directory:
        return
    import socket
    path = os.path.join(directory, "%d.sock" % os.getpid())
    try:
        os.unlink(path)
    except OSError:
        pass
    srv = _high_fd(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))

    def _remove():
        try:
            os.unlink(path)
        except OSError:
            pass
    try:
        srv.bind(path)
        srv.listen(4)
        t = threading.Thread(target=_control_loop, args=(srv,), name="asyncdoctor-control",
                             daemon=True)
        _orig_thread_start(t)
    except BaseException:
        # Closed here, not left to the garbage collector's ResourceWarning
        # (which would read as the program's own unclosed socket).
        srv.close()
        _remove()
        if isinstance(sys.exc_info()[1], RuntimeError):
            return  # no new threads at interpreter shutdown (see _start_watchdog)
        raise
    import atexit
    atexit.register(_remove)


def _control_loop(srv):
    while True:
        try:
            conn, _ = srv.accept()
        except Exception:
            return
        try:
            conn.settimeout(5)
            request = b""
            while not request.endswith(b"\n") and len(request) < 4096:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                request += chunk
            req = json.loads(request.decode("utf-8") or "{}")
            if req.get("v") != VERSION or req.get("cmd") != "tasks":
                reply = {"v": VERSION, "pid": os.getpid(), "error": "unsupported request"}
            else:
                reply = {"v": VERSION, "pid": os.getpid(), "loops": _snapshot_all()}
            conn.sendall((json.dumps(reply, default=repr) + "\n").encode("utf-8", "replace"))
        except BaseException as exc:
            harness_error("control", exc)
        finally:
            try:
                conn.close()
            except Exception:
                pass


def _snapshot_all():
    out = []
    for st in list(_states.values()):
        loop = st.loop_ref()
        if loop is None or loop.is_closed():
            continue
        entry = {"impl": st.impl, "running": st.running, "tasks": None, "off_loop": False}
        box = []
        if st.running:
            done = threading.Event()

            def take(box=box, loop=loop, done=done):
                try:
                    box.append(_snapshot(loop))
                finally:
                    done.set()
            try:
                loop.call_soon_threadsafe(take)
            except Exception:
                pass
            if not done.wait(0.5):
                entry["off_loop"] = True  # the loop is busy: read it from here
        if not box:
            box = [_snapshot(loop)]
        entry["tasks"] = box[0]
        out.append(entry)
    return out


def _snapshot(loop):
    tasks = []
    for t in list(_asyncio.all_tasks(loop)):
        d = _describe_task(t)
        d["state"] = "done" if t.done() else "pending"
        waiter = getattr(t, "_fut_waiter", None)
        awaits = []
        if isinstance(waiter, _Task):
            awaits.append(waiter)
        for child in getattr(waiter, "_children", None) or ():
            if isinstance(child, _Task):
                awaits.append(child)
        d["awaits"] = [_task_name(x) for x in awaits]
        kind, what, _ = _wait_kind(t)
        d["waits_on"] = {"kind": kind, "what": what}
        tasks.append(d)
    return tasks


# ---------------------------------------------------------------- AD807


_LOCK_KINDS = {"Lock": "lock", "Event": "event", "Condition": "condition",
               "Semaphore": "semaphore", "BoundedSemaphore": "semaphore",
               "Queue": "queue", "PriorityQueue": "queue", "LifoQueue": "queue",
               "Barrier": "barrier"}


def _wait_kind(task):
    """(kind, description, primitive) of what a pending task waits on."""
    frames = _chain_frames(task)
    waiter = getattr(task, "_fut_waiter", None)
    for frame in reversed(frames):
        fn = os.path.normcase(frame.f_code.co_filename)
        name = frame.f_code.co_name
        if "asyncio" in fn and os.path.basename(fn) in ("locks.py", "queues.py"):
            obj = frame.f_locals.get("self")
            kind = _LOCK_KINDS.get(type(obj).__name__, "primitive") if obj is not None else "primitive"
            return kind, "%s.%s()" % (type(obj).__name__, name), obj
        if "asyncio" in fn and os.path.basename(fn) == "tasks.py" and name == "sleep":
            return "sleep", "asyncio.sleep()", None
        if "asyncio" in fn and os.path.basename(fn) in ("streams.py", "base_events.py",
                                                        "selector_events.py", "subprocess.py"):
            return "io", "%s()" % name, None
    if waiter is None:
        return "ready", "", None
    if isinstance(waiter, _Task):
        return "task", "task %s" % _task_name(waiter), waiter
    return "future", type(waiter).__name__, waiter


def _loop_can_wake(loop):
    """False if nothing but another thread could wake the loop (BaseEventLoop only)."""
    scheduled = getattr(loop, "_scheduled", None)
    ready = getattr(loop, "_ready", None)
    selector = getattr(loop, "_selector", None)
    if scheduled is None or ready is None or selector is None:
        return True  # unknown loop implementation: assume it can
    # Our own beat, and the self-pipe reader that the watchdog's request for
    # it woke, are not work of the program's.
    own_reader = getattr(loop, "_read_from_self", None)
    for h in ready:
        cb = getattr(h, "_callback", None)
        if not h.cancelled() and cb is not _beat and cb != own_reader:
            return True
    for h in scheduled:
        if not h.cancelled() and getattr(h, "_callback", None) is not _beat:
            return True
    try:
        ssock = getattr(loop, "_ssock", None)
        own = ssock.fileno() if ssock is not None else -1
        for key in selector.get_map().values():
            if key.fd != own:
                return True
    except Exception:
        return True
    return False


def _hang_check(st, now):
    loop = st.loop_ref()
    if loop is None:
        return
    tasks = [t for t in _asyncio.all_tasks(loop) if not t.done()]
    if not tasks:
        st.fingerprint = None
        st.idle_since = None
        return
    fp = (frozenset((id(t), id(getattr(t, "_fut_waiter", None))) for t in tasks),
          _stats["created"], _stats["destroyed"])
    if fp != st.fingerprint:
        st.fingerprint = fp
        st.idle_since = now
        st.hang_reported = False
        return
    hang = _cfg.get("hang_ms", 10000) / 1000.0
    if st.hang_reported or now - st.idle_since < hang:
        return
    waits = {}
    for t in tasks:
        waits[t] = _wait_kind(t)
    if any(k == "ready" for k, _, _ in waits.values()):
        return
    # Lock owners, recorded by the wrapped asyncio.Lock.acquire.
    cycle = _find_cycle(waits)
    stuck = any(k in ("lock", "event", "condition", "semaphore", "queue", "barrier", "future")
                for k, _, _ in waits.values())
    if not cycle and not (stuck and not _loop_can_wake(loop) and not _other_threads(st.tid)):
        return
    st.hang_reported = True
    out = []
    for t in tasks:
        kind, desc, obj = waits[t]
        d = _describe_task(t)
        d["waits_on"] = {"kind": kind, "what": desc}
        owner = getattr(obj, "_asyncdoctor_owner", None) if obj is not None else None
        if owner is not None:
            d["waits_on"]["holder"] = _task_name(owner)
        d["in_cycle"] = t in cycle
        out.append(d)
    _emit({"type": "hang", "idle_ms": int((now - st.idle_since) * 1000),
           "deadlock": bool(cycle), "tasks": out})


def _other_threads(loop_tid):
    """Threads of the program (not ours, not the loop's) that could still wake
    the loop with call_soon_threadsafe: then an idle loop is not a hang."""
    for t in threading.enumerate():
        if t.ident == loop_tid or t.name in ("asyncdoctor-watchdog", "asyncdoctor-control"):
            continue
        if t is threading.main_thread() and not t.is_alive():
            continue
        return True
    return False


def _find_cycle(waits):
    edges = {}
    for t, (kind, _, obj) in waits.items():
        if kind == "lock" and obj is not None:
            owner = getattr(obj, "_asyncdoctor_owner", None)
            if owner is not None:
                edges[t] = owner
        elif kind == "task" and obj is not None:
            edges[t] = obj
    for start in edges:
        seen = [start]
        cur = edges.get(start)
        while cur is not None and cur not in seen:
            seen.append(cur)
            cur = edges.get(cur)
        if cur is start:
            return set(seen)
    return set()


def _patch_lock(locks, tasks_mod):
    Lock = locks.Lock
    orig_acquire = Lock.acquire
    orig_release = Lock.release
    current_task = tasks_mod.current_task

    async def acquire(self):
        result = await orig_acquire(self)
        try:
            self._asyncdoctor_owner = current_task()
        except BaseException:
            pass
        return result

    def release(self):
        orig_release(self)
        try:
            self._asyncdoctor_owner = None
        except BaseException:
            pass

    for new, old in ((acquire, orig_acquire), (release, orig_release)):
        new.__doc__ = old.__doc__
        new.__qualname__ = old.__qualname__
        new.__wrapped__ = old
    Lock.acquire = acquire
    Lock.release = release


# ---------------------------------------------------------------- AD802 / AD805


def _never_awaited(coro, frame):
    """Seen through the warning Python shows for it (so the program's own
    warning filters and the warning's text and location stay untouched)."""
    origin = getattr(coro, "cr_origin", None)
    site = None
    if origin:
        for fn, line, func in origin:
            if _is_user(fn):
                site = {"file": fn, "line": line, "func": func, "user": True}
                break
    if site is None:
        site = _site_of(frame)
    _emit({"type": "never_awaited", "coro": _coro_name(coro),
           "defined": _coro_def(coro), "site": site, "origin_tracked": bool(origin)})


_shown = set()


def _first_time(action, msg):
    """Whether the program's own filter action would show this occurrence."""
    text = str(msg.message)
    if action == "ignore":
        return False
    if action == "always":
        return True
    if action == "once":
        key = ("once", text, msg.category)
    elif action == "module":
        key = ("module", text, msg.category, msg.filename)
    else:  # "default"
        key = ("default", text, msg.category, msg.filename, msg.lineno)
    if key in _shown:
        return False
    _shown.add(key)
    return True


def _user_action(warnings, msg, ours):
    """The action the program's own filters (without ours) give this warning."""
    text = str(msg.message)
    cat = msg.category
    module = "?"
    try:
        module = os.path.splitext(os.path.basename(msg.filename))[0]
    except Exception:
        pass
    for entry in warnings.filters:
        if entry is ours:
            continue
        action, m, c, mod, ln = entry
        if ((m is None or m.match(text)) and issubclass(cat, c)
                and (mod is None or mod.match(module)) and (ln == 0 or msg.lineno == ln)):
            return action
    return warnings.defaultaction


_resource_filter = None


def _drop_resource_filter():
    """At exit: objects freed while the interpreter shuts down warn through
    C code that no longer calls _showwarnmsg, so our "always" filter would
    show warnings the program's own filters hide; those have no line of the
    program's to report anyway."""
    import warnings
    ours = _resource_filter
    if ours is None or ours not in warnings.filters:
        return
    mutated = (getattr(warnings, "_filters_mutated", None)
               or getattr(warnings, "_filters_mutated_lock_held", None))  # 3.14
    lock = getattr(warnings, "_lock", None)
    if lock is not None:
        with lock:
            warnings.filters.remove(ours)
            if mutated is not None:
                mutated()
    else:
        warnings.filters.remove(ours)
        if mutated is not None:
            mutated()


def _install_resource_capture():
    import warnings
    orig_show = warnings._showwarnmsg
    # A message pattern of its own keeps this filter distinct from an identical
    # one of the program's (filterwarnings would otherwise replace that one).
    warnings.filterwarnings("always", message=".*", category=ResourceWarning)
    ours = warnings.filters[0]
    global _resource_filter
    _resource_filter = ours

    def _showwarnmsg(msg):
        try:
            if (issubclass(msg.category, RuntimeWarning)
                    and getattr(msg.source, "cr_code", None) is not None
                    and "was never awaited" in str(msg.message)):
                _never_awaited(msg.source, _getframe(1))
            elif issubclass(msg.category, ResourceWarning):
                alloc = None
                try:
                    import tracemalloc
                    if tracemalloc.is_tracing() and msg.source is not None:
                        tb = tracemalloc.get_object_traceback(msg.source)
                        if tb is not None:
                            for fr in tb:
                                if _is_user(fr.filename):
                                    alloc = {"file": fr.filename, "line": fr.lineno, "func": "",
                                             "user": True}
                                    break
                except Exception:
                    pass
                _emit({"type": "resource_warning", "message": str(msg.message),
                       "site": _site_of(_getframe(1)), "alloc": alloc,
                       "warned_at": {"file": msg.filename, "line": msg.lineno or 1, "func": "",
                                     "user": _is_user(msg.filename)}})
                if ours in warnings.filters:
                    action = _user_action(warnings, msg, ours)
                    if action == "error":
                        raise msg.message  # what the program's own -W error asked for
                    if not _first_time(action, msg):
                        return
        except Warning:
            raise
        except BaseException as exc:
            harness_error("resource_warning", exc)
        return orig_show(msg)
    warnings._showwarnmsg = _showwarnmsg


# ---------------------------------------------------------------- install


def _patch_asyncio(asyncio):
    global _asyncio, _Task, _note_task, _orig_create_task, _wrapped_create_task
    _asyncio = asyncio
    _Task = asyncio.Task
    _note_task = _make_recorder()
    base = asyncio.base_events.BaseEventLoop
    _orig_create_task = base.create_task
    _wrapped_create_task = _wrap_create_task(_orig_create_task)
    _hook_create_task(True)
    try:
        _hook_task_cancel(asyncio)
    except BaseException as exc:
        harness_error("task_cancel_hook", exc)
    events = asyncio.events
    wrapped = _wrap_set_running_loop(events._set_running_loop)
    events._set_running_loop = wrapped
    if getattr(asyncio, "_set_running_loop", None) is not None:
        asyncio._set_running_loop = wrapped
    base.call_exception_handler = _wrap_call_exception_handler(base.call_exception_handler)
    base.close = _wrap_close(base.close)
    base.__init__ = _wrap_init(base.__init__)
    _set_thread_check()
    runners = getattr(asyncio, "runners", None)
    if runners is not None and hasattr(runners, "_cancel_all_tasks"):
        runners._cancel_all_tasks = _wrap_cancel_all_tasks(runners._cancel_all_tasks)
    _patch_lock(asyncio.locks, asyncio.tasks)


class _AsyncioFinder(object):
    """Patches asyncio right after the program imports it (not before: a
    program that never uses asyncio pays nothing)."""

    def find_spec(self, name, path=None, target=None):
        if name != "asyncio":
            return None
        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass
        import importlib.machinery
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        orig_exec = loader.exec_module

        def exec_module(module):
            orig_exec(module)
            try:
                _patch_asyncio(module)
            except BaseException as exc:
                harness_error("patch_asyncio", exc)
        try:
            loader.exec_module = exec_module
        except Exception:
            return spec
        return spec

    def invalidate_caches(self):
        pass


def _connect(path):
    import socket
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.setblocking(True)
    return _high_fd(s)


def _high_fd(s):
    """Moves a socket off the low descriptor numbers: the program's own files
    and sockets get the numbers they would get without us (they show in
    reprs and logs)."""
    import socket
    try:
        import fcntl
        import resource
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        low = 900 if soft < 0 or soft >= 1024 else max(3, soft - 64)
        high = fcntl.fcntl(s.fileno(), getattr(fcntl, "F_DUPFD_CLOEXEC", fcntl.F_DUPFD), low)
        moved = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, fileno=high)
        moved.set_inheritable(False)
        s.close()
        s = moved
    except Exception:
        pass
    return s


def install(here):
    global _installed, _sock, _stdlib_prefixes, _cfg, _here
    if _installed:
        return
    _installed = True
    _here = here
    path = os.environ.get("ASYNCDOCTOR_SOCKET")
    if not path:
        return
    try:
        _cfg = json.loads(os.environ.get("ASYNCDOCTOR_CONFIG", "{}"))
    except Exception:
        _cfg = {}
    stdlib = os.path.dirname(os.__file__)
    prefixes = set([os.path.normcase(stdlib) + os.sep])
    try:
        prefixes.add(os.path.normcase(os.path.realpath(stdlib)) + os.sep)
    except Exception:
        pass
    _stdlib_prefixes = tuple(prefixes)
    try:
        _sock = _connect(path).detach()
    except Exception:
        _sock = None
        return  # nobody to talk to: stay out of the way
    _hello()
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_after_fork)
    if "asyncio" in sys.modules:
        _patch_asyncio(sys.modules["asyncio"])
    else:
        sys.meta_path.insert(0, _AsyncioFinder())
    _hook_warnings()
    import atexit
    atexit.register(_at_exit)
    _hook_sigterm()
    _thread_start.__name__ = "start"
    _thread_start.__qualname__ = "Thread.start"
    _thread_start.__doc__ = _orig_thread_start.__doc__
    _thread_start.__wrapped__ = _orig_thread_start
    threading.Thread.start = _thread_start
    if _cfg.get("debug"):
        try:
            sys.set_coroutine_origin_tracking_depth(16)
        except Exception:
            pass


def _hello():
    _emit({"type": "hello", "ppid": os.getppid(), "python": sys.version.split()[0],
           "executable": sys.executable, "argv": list(sys.argv)})


def _after_fork():
    """A forked child (multiprocessing, os.fork) gets a connection of its own:
    the inherited one belongs to the parent."""
    global _sock, _send_lock, _watchdog_started, _control_started, _work_items, _work_lock
    try:
        fd, _sock = _sock, None
        del _queue[:]
        _send_lock = threading.Lock()
        _work_lock = threading.Lock()
        _states.clear()  # the parent's loops do not run here
        _watchdog_started = False
        _control_started = False
        _work_items = 0  # the parent's workers do not run here
        _set_thread_check()
        if fd is not None:
            os.close(fd)
        path = os.environ.get("ASYNCDOCTOR_SOCKET")
        if path:
            _sock = _connect(path).detach()
            _hello()
    except BaseException as exc:
        _sock = None
        harness_error("fork", exc)


@_guard("warnings")
def _hook_warnings():
    _install_resource_capture()


@_guard("signal")
def _hook_sigterm():
    import signal
    if threading.current_thread() is threading.main_thread():
        if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _on_sigterm)
