"""How the pitch was said: prosody from the signal (``prosody``, on librosa), pauses and where
they fall (``pauses``), filled pauses (``fillers``), the script read from (``alignment``), phone
numbers and their pace (``numbers``), the "sounds read" verdict (``scripted``), all combined into
a :class:`~analyzer.delivery.measure.Delivery` by ``measure``."""
