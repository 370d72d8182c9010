"""Locate the project's folders (schemas, templates, agreements) from the installed package."""

from __future__ import annotations

import os
from pathlib import Path

# The package lives in <project>/pipeline; schemas/ and templates/ stand beside it.
# SAMVERKAN_HOME points elsewhere, e.g. at a kommun's own copy of the templates.
_HOME_VARIABLE = "SAMVERKAN_HOME"


def project_dir() -> Path:
    """Return the project folder that holds schemas/ and templates/."""
    configured = os.environ.get(_HOME_VARIABLE)
    return Path(configured) if configured else Path(__file__).resolve().parent.parent


def schemas_dir() -> Path:
    """Return the folder of the cerberus schemas."""
    return project_dir() / "schemas"


def templates_dir() -> Path:
    """Return the folder of the Word templates."""
    return project_dir() / "templates"
