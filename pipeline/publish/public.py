"""The use cases *public documents* and *public comparison*: ``render``, ``diff`` and ``underlag``
with ``--offentlig``.

A version's public documents are its documents as decided (``beslutat/``),
masked, when it has them, else its public data rendered now. A comparison
compares the public versions of both sides, each masked with the masks of both
(a passage secret in one version stays hidden in the other, and a deleted secret
is deleted as a notice). Every document is checked for masked texts before it
is written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from pipeline.compare import versions as compared
from pipeline.data.validate import validate_version
from pipeline.data.version import Version
from pipeline.documents import marking
from pipeline.documents.model import RenderedDocument
from pipeline.documents.render import STALE_OUTPUTS, decided_documents, version_documents
from pipeline.files import output
from pipeline.layout import DEFAULT_OUTPUT, PUBLIC_FOLDER
from pipeline.publish import masking


def public_documents(version: Version, extra: Sequence[masking.Mask] = (),
                     label: bool = True) -> list[RenderedDocument]:
    """Return the public documents of a valid version, agreement first, each with "Offentlig version"
    at the top of every page (unless ``label`` is false: documents still to be compared)."""
    masks = masking.unique(masking.masks_of(version) + list(extra))
    decided = decided_documents(version)
    if decided:
        documents = [RenderedDocument(d.name, d.title, masking.mask_document(d.data, masks)) for d in decided]
    else:
        documents = version_documents(masking.public_version(version, masks))
    documents = checked(documents, masks)
    return labelled(documents) if label else documents


def checked(documents: list, masks: list[masking.Mask]) -> list:
    """Return documents (anything with ``name`` and ``data``) masked once more and checked."""
    return [_with_data(d, masking.check_document(d.name, d.data, masks)) for d in documents]


def labelled(documents: list) -> list:
    """Return documents (anything with ``name`` and ``data``) with "Offentlig version" at the top of
    every page."""
    return [_with_data(d, marking.public_document(d.data, d.name)) for d in documents]


def render_public(version_dir: Path, out_dir: Path | None = None) -> list[Path]:
    """Validate a version, write its public documents and return their paths (default folder
    ``ut/<län>/<kommun>/<version>/offentlig``)."""
    version = validate_version(version_dir)
    documents = public_documents(version)
    target = Path(out_dir) if out_dir else version.ref.public_dir()
    output.check_output_place(version.data_root, target)
    return output.write_all(target, {d.name: d.data for d in documents}, stale=STALE_OUTPUTS,
                            within=None if out_dir else DEFAULT_OUTPUT)


def compare_public(old: Version | None, new: Version) -> compared.Comparison:
    """Return the public comparison of two valid versions (``old`` None for a first agreement)."""
    masks = masking.masks_of(new) + (masking.masks_of(old) if old is not None else [])
    masks = masking.unique(masks)
    public_new = masking.public_version(new, masks)
    new_documents = public_documents(new, masks, label=False)  # labelled once compared, not before
    if old is None:
        comparison = compared.compare_versions(None, public_new, new_documents)
    else:
        public_old = masking.public_version(old, masks)
        comparison = compared.compare_versions(public_old, public_new, new_documents,
                                               decided=lambda v: _decided_masked(v, masks))
    return dataclasses.replace(comparison, memo=labelled(checked([comparison.memo], masks))[0],
                               redlines=labelled(checked(comparison.redlines, masks)),
                               new_documents=labelled(comparison.new_documents), public=True)


def _with_data(document, data: bytes):
    """Return a rendered document or a redline with other bytes."""
    if isinstance(document, RenderedDocument):
        return RenderedDocument(document.name, document.title, data)
    return dataclasses.replace(document, data=data)


def _decided_masked(version: Version, masks: list[masking.Mask]) -> list[RenderedDocument]:
    """Return a version's documents as decided, masked (empty when it has none)."""
    return [RenderedDocument(d.name, d.title, masking.mask_document(d.data, masks))
            for d in decided_documents(version)]


def diff_public(old_dir: Path, new_dir: Path, out_dir: Path | None = None,
                reversed_ok: bool = False) -> tuple[compared.Comparison, list[Path]]:
    """Compare the public versions of two versions and write the public memo and redlines (default
    folder ``…/andringar-<gammal>-<ny>/offentlig``); return the comparison and the paths."""
    old, new = validate_version(old_dir), validate_version(new_dir)
    compared.check_pair(old, new, reversed_ok)
    comparison = compare_public(old, new)
    return compared.write(comparison, out_dir or compared.default_output(old, new) / PUBLIC_FOLDER)


def propose_public(version_dir: Path, out_dir: Path | None = None) -> tuple[compared.Comparison, list[Path]]:
    """Write the public decision documents of a version (as ``underlag``): against its predecessor
    when it has one, else as a first agreement; return the comparison and the paths."""
    new = validate_version(version_dir)
    previous = new.data.get("föregående_version")
    old = validate_version(new.ref.sibling(previous).folder) if previous else None
    comparison = compare_public(old, new)
    return compared.write(comparison, out_dir or compared.default_output(old, new) / PUBLIC_FOLDER)
