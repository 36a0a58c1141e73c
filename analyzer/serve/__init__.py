"""``analyzer serve``: the local web app where a rep records or drops a take and gets the card
(:mod:`analyzer.serve.app` for the HTTP side, :mod:`analyzer.serve.takes` for the scoring queue
and the session's takes, ``static/`` for the page)."""
