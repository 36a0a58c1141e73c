"""Text shared by every stage: the tokenised document (``document``), sentences (``sentences``),
spoken and written numbers (``numbers``) and syllables (``syllables``)."""
