"""Views of the data, never the reverse: scorecards as table, JSON, Markdown, CSV and HTML
(``render``), transcripts as JSON/txt/srt/vtt (``transcript``), plots (``plots``) and the
before/after comparison (``comparison``)."""
