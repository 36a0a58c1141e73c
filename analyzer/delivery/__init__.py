"""How the pitch was said: prosody from the signal (``prosody``, on librosa), pauses and where
they fall (``pauses``), filled pauses (``fillers``), the script read from (``alignment``), phone
numbers and their pace (``numbers``), the "sounds read" verdict (``scripted``), all combined into
a :class:`~analyzer.delivery.measure.Delivery` by ``measure``.

librosa's numba kernels (``yin``, resampling helpers) compile on their first call in a process,
about 3 s, and ``cache=True`` keeps the compiled code on disk only where numba may write. Numba's
cache goes to one folder per user, ``$XDG_CACHE_HOME/pitch-analyzer/numba`` (unless the user set
``NUMBA_CACHE_DIR``), set here before anything imports librosa. The compiled code depends on the
installed librosa and numba only, so it does not follow ``PITCH_ANALYZER_CACHE`` (a fresh transcript
cache does not recompile), and ``make setup`` fills it once, in one process, so that parallel
workers only ever read it."""

import os
from pathlib import Path

os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                                             / "pitch-analyzer" / "numba"))
