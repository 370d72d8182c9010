"""The README is a short door whose commands are the ones CI runs; the docs site behind it names
only modules, tests and files that exist, links only to files that exist, and never speaks of
issues or of material a clone does not have."""

from __future__ import annotations

import re

from conftest import ROOT

README = ROOT / "README.md"
DOCS = ROOT / "docs"
ARCHITECTURE = DOCS / "utveckling" / "arkitektur.md"
# A link or an image in Markdown: [text](target) or ![alt](target "title").
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def pages() -> list:
    """Return every Markdown page of the docs site, and the README."""
    return sorted(DOCS.rglob("*.md")) + [README]


def text(path) -> str:
    return path.read_text(encoding="utf-8")


def readme_commands():
    return re.findall(r"```sh\n(.+?)\n```", text(README))


def test_readme_has_two_setup_commands_and_ci_runs_the_test_command():
    commands = readme_commands()
    setup = commands[0]
    tests = next(c for c in commands if "pytest" in c)
    assert "samverkan batch" in setup and "samverkan webb" in commands[1]
    assert "pytest" in tests
    assert tests in text(ROOT / ".ci" / "run")


def test_readme_is_a_door_not_the_manual():
    lines = text(README).splitlines()
    assert len(lines) <= 150, f"README.md has {len(lines)} lines; move the detail to a page in docs/"


def test_ci_builds_the_docs_strictly_outside_the_repository():
    ci = text(ROOT / ".ci" / "run")
    assert "mkdocs build --strict --site-dir \"$(mktemp -d)\"" in ci
    assert "/site/" in text(ROOT / ".gitignore").splitlines()


def test_every_module_in_the_architecture_page_exists_and_every_module_is_named():
    named = set(re.findall(r"`(pipeline/[a-z_/]+\.py)`", text(ARCHITECTURE)))
    for module in named:
        assert (ROOT / module).is_file(), module
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "pipeline").rglob("*.py")
               if p.name not in ("__init__.py", "__main__.py")}
    assert modules <= named, f"modules the architecture page's table does not name: {sorted(modules - named)}"


def test_every_test_named_in_the_docs_exists():
    sources = "".join(text(p) for p in (ROOT / "tests").glob("test_*.py"))
    named = set()
    for page in pages():
        for span in re.findall(r"`([^`\n]+)`", text(page)):
            named |= set(re.findall(r"(?<![\w/])(test_[a-z0-9_]+)(?![\w.])", span))
    assert named
    for name in sorted(named):
        assert f"def {name}(" in sources, name


def test_every_file_named_in_the_docs_exists():
    named = set()
    for page in pages():
        named |= set(re.findall(r"(?<![\w./])((?:tests|pipeline|templates|schemas)/[\w./-]+\.(?:py|docx|yaml|json))",
                                text(page)))
    assert named
    for path in sorted(named):
        assert (ROOT / path).is_file(), path


def test_every_relative_link_resolves_to_a_file():
    checked = 0
    for page in pages():
        for target in LINK.findall(text(page)):
            if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                continue  # another site, or a place on the same page
            path = (page.parent / target.split("#", 1)[0]).resolve()
            assert path.is_file(), f"{page.relative_to(ROOT)}: {target}"
            checked += 1
    assert checked


def test_every_docs_page_is_in_the_nav_and_every_nav_entry_is_a_page():
    nav = set(re.findall(r"(?:^|:\s|-\s)([\w/-]+\.md)\s*$", text(ROOT / "mkdocs.yml"), re.MULTILINE))
    files = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    assert nav == files, f"only in the nav: {sorted(nav - files)}; only in docs/: {sorted(files - nav)}"


def test_no_page_speaks_of_issues_or_of_the_shared_folder():
    for page in pages():
        words = text(page)
        assert not re.search(r"\bissues?\b", words, re.IGNORECASE), page.relative_to(ROOT)
        assert "../shared" not in words, page.relative_to(ROOT)


def test_the_web_app_picture_is_on_its_page():
    page = DOCS / "sekreterare" / "webbappen.md"
    assert "(webb-formular.png)" in text(page)
    assert (page.parent / "webb-formular.png").is_file()
