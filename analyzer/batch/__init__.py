"""Many recordings at once: what to score (``inputs``: folders, globs, manifests), scoring them
with resumable logs on processes or Dask (``runner``) and the per-rep roll-ups (``rollup``)."""
