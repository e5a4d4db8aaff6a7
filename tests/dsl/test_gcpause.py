"""Overlapping GC pauses (a check and a simulation in two threads) end with the GC on."""

from __future__ import annotations

import gc
import threading

from onewindow.dsl.gcpause import gc_paused


def test_a_pause_turns_the_collector_off_and_back_on() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_pauses_ending_out_of_order_leave_the_collector_on() -> None:
    first_in = threading.Event()
    second_in = threading.Event()
    first_out = threading.Event()

    def first() -> None:
        with gc_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with gc_paused(freeze=True):
        second_in.set()
        first_out.wait(5)
        assert not gc.isenabled(), "the first pause ended, but this one still holds"
    thread.join()
    assert gc.isenabled()


def test_a_pause_left_by_an_exception_still_ends() -> None:
    try:
        with gc_paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()
