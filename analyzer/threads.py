"""numpy's BLAS on one thread for the text path.

The text path's matrix products are small (a pitch's sentences against the development examples, a
few regressions), and OpenBLAS's second thread only spins beside the sentence encoder's: over the
358 development pitches ``analyze_text`` took 66 ms of CPU a pitch with two BLAS threads and 33 ms
with one (2 cores, other work running, embedding cache emptied before each pass). The limit holds
only inside the decorated calls, so a notebook's own numpy keeps its threads.
"""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=1)
def _controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_blas_thread(function):
    """Run ``function`` with numpy's BLAS limited to one thread."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with _controller().limit(limits=1, user_api="blas"):
            return function(*args, **kwargs)

    return wrapper
