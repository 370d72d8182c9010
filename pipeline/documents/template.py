"""Compile docxtpl templates once per process and render them safely.

docxtpl's ``DocxTemplate.render`` re-reads the .docx, re-patches and
re-compiles the Jinja source, and re-parses the result with ``recover=True``
(which silently drops text) on every call. Here each template is read, patched
by docxtpl's own ``patch_xml`` and compiled once; a render only runs the compiled
Jinja code, applies docxtpl's ``resolve_listing`` (line and paragraph breaks) and
parses the result strictly. The Jinja environment escapes every value (data is
never template code) and refuses undefined variables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from pipeline import ooxml
from pipeline.documents import marking, templatecache
from pipeline.errors import Problem, TemplateError
from pipeline.ooxml import text


@dataclass
class CompiledPart:
    """One XML part of a template with Jinja tags, compiled and ready to render."""

    name: str
    template: jinja2.Template


@dataclass
class CompiledTemplate:
    """A .docx template: its untouched parts as bytes and its templated parts compiled."""

    path: Path
    package: ooxml.Package
    parts: list[CompiledPart]
    names: set[str]  # top-level variables the template uses

    def render(self, context: dict) -> dict[str, bytes]:
        """Return the rendered XML parts (name → bytes) for ``context``: the marks of the context's
        texts made into runs and, when a passage under sekretess is among them, every header with
        the line that says so (:mod:`pipeline.documents.marking`)."""
        rendered, grounds = {}, []
        for part in self.parts:
            try:
                xml = part.template.render(context)
            except SecurityError as exc:
                raise TemplateError(Problem(self.path, f"mallen försöker nå något utanför data ({part.name}): {exc}",
                                            hint="Mallar får bara använda fälten i data, inte Pythons inre "
                                                 "attribut; ta bort uttrycket ur mallen.")) from exc
            except jinja2.UndefinedError as exc:
                raise TemplateError(_undefined_problem(self.path, part.name, exc)) from exc
            except jinja2.TemplateError as exc:
                raise TemplateError(Problem(self.path, f"mallen kunde inte fyllas i ({part.name}): {exc}")) from exc
            except Exception as exc:  # e.g. {{ 1/0 }} in a template: still the template's fault
                raise TemplateError(Problem(self.path, f"ett uttryck i mallen gick inte att beräkna "
                                                       f"({part.name}): {type(exc).__name__}: {exc}",
                                            hint="Kontrollera uttrycken inom {{ }} och {% %} i mallen.")) from exc
            xml, found = marking.resolve(xml)
            grounds += found
            rendered[part.name] = ooxml.finish_part(self.path, part.name, _resolve_listing(xml))
        if grounds:
            headers = {name: rendered.get(name, self.package.parts[name])
                       for name in marking.header_parts(self.package.parts)}
            line = marking.secrecy_line(list(dict.fromkeys(grounds)))
            rendered.update(marking.with_header_line(headers, line, colour=marking.SECRECY_COLOUR))
        return rendered


class _Sources(jinja2.BaseLoader):
    """The prepared XML of every template part this process uses, by name ("<key>/<part>")."""

    def __init__(self):
        self.sources: dict[str, str] = {}

    def get_source(self, environment, template):
        if template not in self.sources:
            raise jinja2.TemplateNotFound(template)
        return self.sources[template], None, lambda: True


def _environment() -> jinja2.Environment:
    """Return the Jinja environment of every template: sandboxed (a template cannot reach Python's
    internals or change data), escaping every value, refusing undefined names."""
    return ImmutableSandboxedEnvironment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        loader=_SOURCES,
    )


_SOURCES = _Sources()
_ENV = _environment()
_CACHE: dict[tuple, CompiledTemplate] = {}


def _patch_xml(xml: str) -> str:
    """Return docxtpl's patching of a part's XML. docxtpl is imported here, when a template is prepared,
    not at the top: it costs about 300 ms, and a render from the template cache needs none of it."""
    from docxtpl import DocxTemplate

    return DocxTemplate(None).patch_xml(xml)


def load(path: Path, allowed_names: set[str]) -> CompiledTemplate:
    """Return the compiled template at ``path``, compiling it only once per process (and, through
    :mod:`templatecache`, once per template file).

    Raises TemplateError when the template is unreadable, has a Jinja syntax
    error, or uses a top-level variable that is not in ``allowed_names``.
    """
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise TemplateError(Problem(path, "mallen finns inte eller kan inte läsas")) from exc
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    compiled = _CACHE.get(key)
    if compiled is None:
        compiled = _compile(path)
        _CACHE[key] = compiled
    unknown = sorted(compiled.names - allowed_names)
    if unknown:
        raise TemplateError([Problem(path, f"mallen använder variabeln '{name}' som inte finns i data",
                                     hint="Kontrollera stavningen; tillgängliga namn: "
                                          + ", ".join(sorted(allowed_names)))
                             for name in unknown])
    return compiled


def _compile(path: Path) -> CompiledTemplate:
    """Return the template at ``path`` compiled, from the cache on disk when it is there."""
    package = ooxml.read_package(path, root=path.parent)
    entry = templatecache.key(package.parts)
    prepared = templatecache.read(entry)
    if prepared is None:
        sources, names = _prepare(path, package)
        templatecache.write(entry, sources, names)
    else:
        sources, names = prepared["parts"], set(prepared["names"])
    if _ENV.bytecode_cache is None:
        _ENV.bytecode_cache = templatecache.bytecode_cache()
    parts = []
    for name, source in sources.items():
        _SOURCES.sources[f"{entry}/{name}"] = source
        try:
            parts.append(CompiledPart(name, _ENV.get_template(f"{entry}/{name}")))
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(_syntax_problem(path, source, exc)) from exc
    return CompiledTemplate(path, package, parts, names)


def _prepare(path: Path, package: ooxml.Package) -> tuple[dict[str, str], set[str]]:
    """Return each templated part's Jinja source (docxtpl's patching) and the names it uses;
    raise TemplateError for tags that do not pair or do not parse."""
    sources, names = {}, set()
    for name in package.templated_parts():
        original = package.xml_text(name)
        _check_delimiters(path, name, original)
        # docxtpl puts each paragraph on its own line so {%p %} tags can strip them.
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", _patch_xml(original))
        try:
            names |= meta.find_undeclared_variables(_ENV.parse(source))
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(_syntax_problem(path, source, exc)) from exc
        sources[name] = source
    return sources, names


_DELIMITER = re.compile(r"{{|}}|{%|%}|{#|#}")
_CLOSING = {"{{": "}}", "{%": "%}", "{#": "#}"}


def _check_delimiters(path: Path, part: str, xml: str) -> None:
    """Raise TemplateError for a paragraph whose tags do not open and close in pairs.

    docxtpl's patching joins text from "{{" to the next "}}", so one missing brace
    would silently swallow the paragraphs up to the next tag.
    """
    for paragraph in text.paragraph_texts(xml):
        expected = None
        for token in _DELIMITER.findall(paragraph):
            if expected is None and token in _CLOSING:
                expected = _CLOSING[token]
            elif token == expected:
                expected = None
            else:
                expected = "error"
                break
        if expected is not None:
            raise TemplateError(Problem(
                path, f"syntaxfel i mallens Jinja-taggar ({part}): en tagg öppnas eller stängs inte",
                hint=f"Stycket: \"{paragraph[:120]}\" – varje {{{{ behöver }}}}, varje {{% behöver %}}."))


def _resolve_listing(xml: str) -> str:
    """Return rendered XML with the breaks the context writes as characters made into Word's:
    "\\a" a new paragraph, "\\n" a line break, "\\t" a tab, "\\f" a page break – the
    paragraph's and the run's properties carried over (docxtpl's ``resolve_listing``)."""
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    if not any(c in xml for c in "\a\t\n\f"):
        return xml
    return _PARAGRAPH.sub(_resolve_paragraph, xml)


_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
_RUN = re.compile(r"<w:r(?: [^>]*)?>.*?</w:r>", re.DOTALL)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>.*?</w:t>", re.DOTALL)
_PPR = re.compile(r"<w:pPr>.*?</w:pPr>")
_RPR = re.compile(r"<w:rPr>.*?</w:rPr>")


def _resolve_paragraph(match) -> str:
    found = _PPR.search(match.group(0))
    ppr = found.group(0) if found else ""
    return _RUN.sub(lambda run: _resolve_run(ppr, run), match.group(0))


def _resolve_run(ppr: str, match) -> str:
    found = _RPR.search(match.group(0))
    rpr = found.group(0) if found else ""
    return _TEXT.sub(lambda text: _resolve_text(ppr, rpr, text.group(0)), match.group(0))


def _resolve_text(ppr: str, rpr: str, xml: str) -> str:
    text = '<w:t xml:space="preserve">'
    xml = xml.replace("\t", f"</w:t></w:r><w:r>{rpr}<w:tab/></w:r><w:r>{rpr}{text}")
    xml = xml.replace("\a", f"</w:t></w:r></w:p><w:p>{ppr}<w:r>{rpr}{text}")
    xml = xml.replace("\n", f"</w:t><w:br/>{text}")
    return xml.replace("\f", f'</w:t></w:r></w:p><w:p><w:r><w:br w:type="page"/></w:r></w:p>'
                              f"<w:p>{ppr}<w:r>{rpr}{text}")


def _syntax_problem(path: Path, source: str, exc: jinja2.TemplateSyntaxError) -> Problem:
    lines = source.splitlines()
    near = ""
    if exc.lineno and 0 < exc.lineno <= len(lines):
        near = re.sub(r"<[^>]+>", "", lines[exc.lineno - 1]).strip()[:120]
    return Problem(path, f"syntaxfel i mallens Jinja-taggar: {exc.message}",
                   hint=f"Nära texten: \"{near}\"" if near else None)


def _undefined_problem(path: Path, part: str, exc: jinja2.UndefinedError) -> Problem:
    match = re.search(r"has no attribute '([^']+)'|'([^']+)' is undefined", str(exc))
    name = next((g for g in match.groups() if g), None) if match else None
    subject = f"variabeln '{name}'" if name else "en variabel"
    return Problem(path, f"mallen använder {subject} som inte finns i data ({part})",
                   hint="Kontrollera stavningen i mallen, eller lägg till fältet i data.")
