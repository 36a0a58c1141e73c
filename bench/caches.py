"""Empty transcript caches for timed runs (shared by the bench scripts)."""

from __future__ import annotations

from pathlib import Path

from analyzer.audio.models import cache_dir


def empty_cache(folder: Path) -> Path:
    """Make ``folder`` a tool cache with no transcripts. Its ``models`` links to the real cache's, so
    that the bundled model is not assembled again inside a timed run (that is set-up, not scoring)."""
    folder.mkdir()
    models = cache_dir() / "models"
    if models.is_dir():
        (folder / "models").symlink_to(models, target_is_directory=True)
    return folder
