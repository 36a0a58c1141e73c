"""Findings and measurements to a score: the scoring model (``model``) and its data."""
