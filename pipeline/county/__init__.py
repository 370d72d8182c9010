"""Batch over every kommun of a county: planning, workers, manifest."""
