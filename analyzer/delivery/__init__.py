"""How the pitch was said: prosody from the signal (``prosody``, on librosa), pauses and where
they fall (``pauses``), filled pauses (``fillers``), the script read from (``alignment``), phone
numbers and their pace (``numbers``), the "sounds read" verdict (``scripted``), all combined into
a :class:`~analyzer.delivery.measure.Delivery` by ``measure``.

librosa's numba kernels (``yin``, resampling helpers) compile on their first call in a process,
about 3 s, and ``cache=True`` keeps the compiled code on disk only where numba may write: numba's
cache goes under the analyzer's cache folder (unless the user set ``NUMBA_CACHE_DIR``), set here
before anything imports librosa, so only the first run after install compiles."""

import os

from analyzer.audio.models import cache_dir

os.environ.setdefault("NUMBA_CACHE_DIR", str(cache_dir() / "numba"))
