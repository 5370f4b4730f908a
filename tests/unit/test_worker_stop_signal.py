"""`plaudit worker` stops on SIGTERM even when the signal lands while its main thread holds
the stop Event's lock (inside `stop.wait()`): the handler must not take that lock itself."""

import threading

from plaudit.jobs.worker import stop_soon


def test_the_stop_signal_is_taken_while_the_event_lock_is_held() -> None:
    stop = threading.Event()

    def signal_lands_inside_wait() -> None:
        # What a signal handler finds when it interrupts Event.wait between taking the lock
        # and waiting (CPython's Event guards its flag with a Condition over a plain Lock).
        with stop._cond:  # type: ignore[attr-defined]
            stop_soon(stop)

    handler = threading.Thread(target=signal_lands_inside_wait, daemon=True)
    handler.start()
    handler.join(timeout=10)
    assert not handler.is_alive(), "the handler waits for a lock its own thread holds"
    assert stop.wait(timeout=10)
