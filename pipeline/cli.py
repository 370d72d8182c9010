"""The ``samverkan`` command: parses arguments, calls one library function, prints.

Only click is imported at start-up; the pipeline's modules (and docxtpl,
python-docx, cerberus, lxml behind them) are imported inside the commands, so
``samverkan --help`` stays fast. :func:`main` is the one place where errors
become exit codes: 1 for anything in the user's data or files, 2 for usage.
"""

from __future__ import annotations

import errno
import sys
from pathlib import Path

import click

from pipeline import cli_sv

cli_sv.install()
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class IsoDate(click.ParamType):
    """A date written ÅÅÅÅ-MM-DD, nothing else (no 20261127, no week dates)."""

    name = "ÅÅÅÅ-MM-DD"

    def convert(self, value, param, ctx):
        from pipeline.data import dates

        if not isinstance(value, str):
            return value
        try:
            return dates.parse(value)
        except ValueError:
            self.fail(dates.date_problem(value), param, ctx)


DATE = IsoDate()


def _echo_path(prefix: str, path) -> None:
    """Print a line naming a file, with control characters in its name made visible."""
    from pipeline.errors import visible

    click.echo(visible(f"{prefix}{path}"))


@click.group(context_settings=CONTEXT, options_metavar="[FLAGGOR]",
             subcommand_metavar="KOMMANDO [ARGUMENT]...")
@click.version_option(package_name="samverkan", message="samverkan %(version)s")
def cli():
    """Samverkansöverenskommelser mellan kommun och polis: YAML → validering → Word.

    Varje version av en överenskommelse ligger i agreements/<län>/<kommun>/<version>/
    med overenskommelse.yaml och en mapp planer/ med en fil per problembild.
    """


@cli.command(options_metavar="[FLAGGOR]")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strikt", "strict", is_flag=True,
              help="Räkna varningar som fel (t.ex. en orsak som ingen aktivitet angriper, eller en plan i ett "
                   "utkast helt utan länkar).")
def validate(paths, strict):
    """Kontrollera data mot scheman och regler; visa alla fel på en gång.

    PATHS kan vara en versionsmapp, en kommun, ett län, hela agreements/
    (standard) eller en enskild fil. Uppföljningarna bredvid versionerna
    kontrolleras också. Varningar (det ett utkast kan sakna, t.ex. en orsak som
    ingen aktivitet angriper) visas efter felen. Avslutas med 0 om inget fel
    finns, annars 1.
    """
    from pipeline.errors import SchemaError
    from pipeline.data.validate import validate_paths

    report = validate_paths(list(paths) or [Path("agreements")], strict=strict)
    if not report.ok:
        error = SchemaError(report.problems)
        error.warnings = report.warnings
        raise error
    click.echo(f"Giltigt: {report.checked} {_plural(report.checked, 'version', 'versioner')} "
               f"{_plural(report.checked, 'kontrollerad', 'kontrollerade')}.")
    if report.warnings:
        click.echo(_warnings_text(report.warnings))


def _warnings_text(warnings) -> str:
    """Return the warnings of a validation, after its errors: they stop nothing unless --strikt."""
    return (f"Varningar: {len(warnings)} (stoppar inget; --strikt gör dem till fel):\n"
            + "\n".join(w.format() for w in warnings))


@cli.command(options_metavar="[FLAGGOR]")
@click.argument("version_dir", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Mapp för dokumenten (standard: ut/<län>/<kommun>/<version>).")
@click.option("--pdf", is_flag=True, help="Skriv också PDF/A-2 (taggad) bredvid varje dokument; kräver LibreOffice.")
@click.option("--offentlig", "public", is_flag=True,
              help="Skriv den offentliga versionen: sekretessmarkerade uppgifter borttagna, markerade personer "
                   "med sin roll (standardmapp: …/offentlig).")
def render(version_dir, out_dir, pdf, public):
    """Validera en version och skriv dess Word-dokument.

    Skriver överenskommelsen (samverkansoverenskommelse.docx) och en bilaga per
    plan (bilaga-N-<namn>.docx). Befintliga filer ersätts i ett svep; vid fel
    skrivs ingenting.
    """
    if public:
        from pipeline.publish.public import render_public as render_documents
    else:
        from pipeline.documents.render import render as render_documents

    written = render_documents(version_dir, out_dir)
    for path in written:
        _echo_path("Skrev ", path)
    if pdf:
        _pdfs(written)


@cli.command(options_metavar="[FLAGGOR]")
@click.argument("old_dir", metavar="GAMMAL_VERSION", type=click.Path(path_type=Path))
@click.argument("new_dir", metavar="NY_VERSION", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Mapp för dokumenten (standard: ut/<län>/<kommun>/andringar-<gammal>-<ny>).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Sammanfattningen som läsbar text eller som JSON.")
@click.option("--pdf", is_flag=True, help="Skriv också PDF/A-2 (taggad) bredvid varje dokument; kräver LibreOffice.")
@click.option("--paket", is_flag=True,
              help="Skriv också beslutspaket.pdf: tjänsteskrivelsen, ändringarna och förslaget i en fil.")
@click.option("--bakvänd", "--bakvand", "reversed_ok", is_flag=True,
              help="Jämför även om NY_VERSION är äldre än GAMMAL_VERSION.")
@click.option("--offentlig", "public", is_flag=True,
              help="Skriv den offentliga versionen: sekretessmarkerade uppgifter borttagna, markerade personer "
                   "med sin roll (standardmapp: …/offentlig).")
def diff(old_dir, new_dir, out_dir, fmt, pdf, paket, reversed_ok, public):
    """Jämför två versioner inför beslut i kommunstyrelsen.

    Skriver överenskommelsen och varje plan med ändringarna markerade (spårade
    ändringar i Word), tjänsteskrivelsen med tabellen "Ändringar jämfört med
    gällande överenskommelse", och visar sammanfattningen av ändringarna.
    GAMMAL_VERSION och NY_VERSION är två versionsmappar för samma kommun.
    """
    if public:
        from pipeline.publish.public import diff_public as compare_versions
    else:
        from pipeline.compare.versions import diff as compare_versions

    comparison, written = compare_versions(old_dir, new_dir, out_dir, reversed_ok=reversed_ok)
    _show_comparison(comparison, written, fmt, pdf, paket)


@cli.command(options_metavar="[FLAGGOR]")
@click.argument("version_dir", metavar="VERSIONSMAPP", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Mapp för dokumenten (standard: som diff, eller ut/<län>/<kommun>/underlag-<version> för "
                   "en första överenskommelse).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Sammanfattningen som läsbar text eller som JSON.")
@click.option("--pdf", is_flag=True, help="Skriv också PDF/A-2 (taggad) bredvid varje dokument; kräver LibreOffice.")
@click.option("--paket", is_flag=True, help="Skriv också beslutspaket.pdf med allt kommunstyrelsen ska ha.")
@click.option("--offentlig", "public", is_flag=True,
              help="Skriv den offentliga versionen: sekretessmarkerade uppgifter borttagna, markerade personer "
                   "med sin roll (standardmapp: …/offentlig).")
def underlag(version_dir, out_dir, fmt, pdf, paket, public):
    """Skriv beslutsunderlaget för en version: tjänsteskrivelsen och ändringsdokumenten.

    Har versionen en föregående version jämförs den med den (som diff). Annars
    är den kommunens första överenskommelse: tjänsteskrivelsen föreslår den
    utan jämförelse, och beslutspaketet innehåller förslaget och bilagorna.
    """
    if public:
        from pipeline.publish.public import propose_public

        comparison, written = propose_public(version_dir, out_dir)
    else:
        from pipeline.compare.versions import propose, write

        comparison, written = write(propose(version_dir), out_dir)
    _show_comparison(comparison, written, fmt, pdf, paket)


def _show_comparison(comparison, written, fmt: str, pdf: bool, paket: bool) -> None:
    """Print a comparison, the files written, and make the PDFs and package asked for."""
    from pipeline.report import changes_json, changes_text

    if fmt == "json":
        click.echo(changes_json(comparison, written))
    else:
        click.echo(changes_text(comparison))
        for path in written:
            _echo_path("Skrev ", path)
    if pdf or paket:
        package = comparison.package(written[0].parent)
        _pdfs(written if pdf else [], [package] if paket else [], quiet=fmt == "json")


@cli.command(options_metavar="[FLAGGOR]")
@click.argument("version_dir", metavar="VERSIONSMAPP", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Mapp för webbsidorna (standard: ut/<län>/<kommun>/<version>/webb).")
def publicera(version_dir, out_dir):
    """Gör en webbpublicering av en beslutad versions offentliga version.

    Skriver webbsidor (översikt, överenskommelsen, en sida per bilaga,
    medborgarlöftena och beslutet), en stilmall och dokumenten som PDF/A, allt i
    en mapp som kan läggas ut som den är. Sekretessmarkerade uppgifter är
    borttagna och markerade personer står med sin roll. Kräver LibreOffice.
    """
    from pipeline.publish.web import publish_version

    for path in publish_version(version_dir, out_dir):
        _echo_path("Skrev ", path)


@cli.command(options_metavar="[FLAGGOR]")
@click.argument("version_dir", metavar="VERSIONSMAPP", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Mapp för arkivpaketet (standard: ut/<län>/<kommun>/<version>/arkiv).")
def arkiv(version_dir, out_dir):
    """Gör ett arkivpaket (E-ARK SIP 2.1, FGS Paketstruktur 2.0) av en beslutad, förseglad version.

    Paketet innehåller dokumenten som de beslutades som PDF/A, data, dokumenten
    som Word-filer och sigillet, med kontrollsummor (PREMIS) och uppgifter om
    kommun, ärende, diarienummer, organ, datum och paragraf. Det skrivs som en
    mapp och som en zip-fil. En version som inte är förseglad, eller vars filer
    har ändrats sedan beslutet, vägras. Kräver LibreOffice.
    """
    from pipeline.publish.archive import archive_version

    for path in archive_version(version_dir, out_dir):
        _echo_path("Skrev ", path)


@cli.command(options_metavar="[FLAGGOR]")
@click.argument("kommun_dir", metavar="KOMMUNMAPP", type=click.Path(path_type=Path))
@click.argument("name", metavar="VERSION")
@click.option("--flytta-datum", "new_start", type=DATE, metavar="ÅÅÅÅ-MM-DD",
              help="Den nya versionens startdag: alla datum flyttas lika långt som giltighetstidens start.")
def ny(kommun_dir, name, new_start):
    """Starta en ny version från kommunens senaste version.

    Kopierar data och planer till KOMMUNMAPP/VERSION, sätter status utkast,
    pekar på den föregående versionen och tar bort dess beslut, så att bara det
    som ändras behöver redigeras. En befintlig version skrivs aldrig över.
    """
    from pipeline.data.lifecycle import start_version
    from pipeline.report import new_version_text

    created = start_version(kommun_dir, name, new_start=new_start)
    click.echo(new_version_text(created))


@cli.command(options_metavar="[FLAGGOR]")
@click.argument("version_dir", metavar="VERSIONSMAPP", type=click.Path(path_type=Path))
@click.option("--organ", required=True, metavar="ORGAN",  help="Beslutande organ, t.ex. Kommunstyrelsen.")
@click.option("--datum", required=True, type=DATE, help="Beslutsdatum, ÅÅÅÅ-MM-DD.")
@click.option("--paragraf", required=True, metavar="PARAGRAF",  help="Paragraf i protokollet, t.ex. \"§ 12\".")
@click.option("--diarienummer", required=True, metavar="DNR",
              help="Ärendets diarienummer, t.ex. \"KS 2023/0042\"; ska vara versionens.")
@click.option("--nytt-diarienummer", "new_case_number", is_flag=True,
              help="Ärendet har fått ett nytt diarienummer: skriv in det i versionen också.")
def beslut(version_dir, organ, datum, paragraf, diarienummer, new_case_number):
    """Registrera beslutet efter sammanträdet och försegla versionen.

    Sätter status beslutad med beslutet, sparar dokumenten som de beslutades i
    VERSIONSMAPP/beslutat/, fryser länets gemensamma text och skriver ett
    sigill (kontrollsummor) bredvid data. Därefter vägrar validate och render
    en beslutad version vars filer har ändrats; rättelser görs i en ny version.
    """
    from pipeline.data.lifecycle import Decision, record_decision

    result = record_decision(version_dir, Decision(organ, datum.isoformat(), paragraf, diarienummer,
                                                   new_case_number))
    for notice in result.notices:
        click.echo(f"Obs: {notice}")
    if result.already:
        _echo_path("Beslutet var redan registrerat och versionen förseglad: ", version_dir)
    else:
        _echo_path("Beslutet registrerat och versionen förseglad: ", version_dir)
    for path in result.written:
        _echo_path("Skrev ", path)
    _print_digest(result.digest)


@cli.command(options_metavar="[FLAGGOR]")
@click.argument("version_dir", metavar="VERSIONSMAPP", type=click.Path(path_type=Path))
def forsegla(version_dir):
    """Försegla en version vars beslut redan står i data (t.ex. en äldre, inlagd version).

    Gör samma sak som beslut utom att skriva beslutet: sparar dokumenten i
    beslutat/, fryser länets gemensamma text och skriver sigillet.
    """
    from pipeline.data.lifecycle import seal_decided

    result = seal_decided(version_dir)
    for path in result.written:
        _echo_path("Skrev ", path)
    _print_digest(result.digest)


def _print_digest(digest: str) -> None:
    click.echo(f"Sigillets kontrollsumma (SHA-256): {digest}")
    click.echo("För in kontrollsumman i beslutet i diariet; med den kan versionen kontrolleras senare: "
               "samverkan kontrollera VERSIONSMAPP --sigill KONTROLLSUMMA")


@cli.command(options_metavar="[FLAGGOR]")
@click.argument("version_dir", metavar="VERSIONSMAPP", type=click.Path(path_type=Path))
@click.option("--sigill", "expected", metavar="KONTROLLSUMMA",
              help="Sigillets kontrollsumma som den står i diariet; jämförs med sigill.json.")
def kontrollera(version_dir, expected):
    """Kontrollera att en beslutad version är orörd sedan beslutet.

    Jämför varje fil med sigillets kontrollsummor och, med --sigill, sigillet
    självt med kontrollsumman i kommunens diarium. Avslutas med 0 bara när allt
    stämmer, annars 1.
    """
    from pipeline.errors import SchemaError
    from pipeline.data.seal import verify

    digest, problems = verify(version_dir, expected)
    if problems:
        raise SchemaError(problems)
    click.echo(f"Sigillets kontrollsumma (SHA-256): {digest}")
    if expected:
        click.echo("Allt stämmer: filerna är som när versionen beslutades, och sigillet är det i diariet.")
    else:
        click.echo("Filerna är som när versionen beslutades. Jämför kontrollsumman ovan med den i diariet, "
                   "eller ange den med --sigill.")


@cli.command(options_metavar="[FLAGGOR]")
@click.argument("root", metavar="[DATAMAPP]", required=False, default=Path("agreements"),
                type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default=Path("ut"), show_default=True, type=click.Path(path_type=Path),
              help="Utdatamapp (får inte ligga i datamappen).")
@click.option("--jobs", "jobs", type=click.IntRange(min=1), default=None, metavar="ANTAL",
              help="Antal processer, minst 1 (standard: datorns antal kärnor).")
@click.option("--force", is_flag=True, help="Gör om allt, även det som inte har ändrats.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Rapporten som läsbar text eller som JSON.")
@click.option("--datum", "today", default=None, type=DATE,
              help="Dagen som länsöversikten avser (standard: i dag).")
@click.option("--pdf", is_flag=True,
              help="Skriv också PDF/A-2 av varje dokument och ett beslutspaket för varje version som väntar "
                   "på beslut; kräver LibreOffice.")
@click.option("--offentlig", "public", is_flag=True,
              help="Skriv också den offentliga versionen av varje versions dokument och varje jämförelse "
                   "(i mappen offentlig/ bredvid dokumenten).")
@click.option("--arkiv", "archive", is_flag=True,
              help="Skriv också ett arkivpaket (E-ARK SIP) för varje beslutad, förseglad version som saknar ett; "
                   "kräver LibreOffice.")
def batch(root, out_dir, jobs, force, fmt, today, pdf, public, archive):
    """Gör om allt för länets kommuner: dokument, ändringar, tjänsteskrivelser och länsöversikt.

    DATAMAPP (standard agreements/) kan vara hela data eller ett län. Allt
    valideras och varje fel i varje kommun rapporteras; en trasig kommun
    stoppar inte de andra, men avslutningskoden blir 1. Det som inte har
    ändrats sedan förra körningen (enligt manifest.json i utdatamappen) görs
    inte om. Avbryts körningen blir inga halvskrivna filer kvar, och nästa
    körning gör klart det som återstår.
    """
    from pipeline.county.batch import run_batch
    from pipeline.report import batch_json, batch_text, progress_printer

    with progress_printer(enabled=fmt == "text") as progress:
        report = run_batch(root, out_dir, jobs=jobs, force=force, today=today, progress=progress, pdf=pdf,
                           public=public, archive=archive)
    click.echo(batch_json(report) if fmt == "json" else batch_text(report))
    if report.interrupted:
        raise click.exceptions.Exit(128 + report.interrupted)
    if report.problems:
        raise click.exceptions.Exit(1)


@cli.command(options_metavar="[FLAGGOR]")
@click.argument("old", metavar="GAMMAL.docx", type=click.Path(path_type=Path))
@click.argument("new", metavar="NY.docx", type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(path_type=Path), metavar="UT.docx",
              help="Filen som skrivs (standard: NY-andringar.docx bredvid NY.docx).")
@click.option("--forfattare", metavar="NAMN", help="Namnet som står på ändringarna (standard: samverkan).")
@click.option("--datum", metavar="ÅÅÅÅ-MM-DD", help="Datumet på ändringarna, ÅÅÅÅ-MM-DD (standard: i dag).")
@click.option("--pdf", is_flag=True, help="Skriv också en PDF/A-2 (taggad) bredvid; kräver LibreOffice.")
def jamfor(old, new, out, forfattare, datum, pdf):
    """Jämför två Word-filer: NY.docx med spårade ändringar mot GAMMAL.docx.

    Vilka Word-filer som helst (.docx): brödtext, tabeller, fotnoter och slutnoter,
    sidhuvud och sidfot, bilder, textrutor, ekvationer och länkar. Resultatet öppnas
    i Word eller LibreOffice, där ändringarna kan godkännas eller avvisas. En fil som
    redan har spårade ändringar jämförs som den ser ut med dem godkända. Även
    `samverkan jämför`.
    """
    from pipeline.compare.jamfor import jamfor as compare_files

    written = compare_files(old, new, out, forfattare, datum)
    for notice in written.comparison.notices:
        click.echo(f"Obs: {notice}")
    click.echo(f"Skrev {written.path} ({written.comparison.revisions} "
               f"{_plural(written.comparison.revisions, 'ändringsmarkering', 'ändringsmarkeringar')})")
    if pdf:
        _pdfs([written.path])


def _alias(command: click.Command, name: str) -> None:
    """Register ``command`` under a second name too, left out of the help."""
    import copy

    alias = copy.copy(command)
    alias.hidden = True
    cli.add_command(alias, name=name)


_alias(jamfor, "jämför")


def _add_followup_commands() -> None:
    """Register uppfoljning, export and import (in pipeline/cli_followup.py, which imports only click)."""
    from pipeline.cli_followup import COMMANDS

    for command in COMMANDS:
        cli.add_command(command)


_add_followup_commands()


def _add_web_command() -> None:
    from pipeline.cli_web import webb

    cli.add_command(webb)


_add_web_command()


def _pdfs(documents: list[Path], packages=(), quiet: bool = False) -> None:
    """Convert documents (and beslutspaket) to PDF in one LibreOffice run; raise if any failed."""
    from pipeline.errors import PipelineError
    from pipeline.publish.pdf import convert_run

    written, problems = convert_run(documents, packages)
    if not quiet:
        for path in written:
            _echo_path("Skrev ", path)
    if problems:
        raise PipelineError(problems)


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _fewer_collections() -> None:
    """Let Python's cycle collector run a tenth as often: a command allocates many objects
    that live until it ends (parsed documents, compiled templates), and collecting them
    over and over costs 4 % of a diff. Memory that is garbage is still freed at once by
    reference counting."""
    import gc

    first, second, third = gc.get_threshold()
    gc.set_threshold(max(first, 7000), second, third)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code: 0 ok, 1 bad data or files, 2 wrong usage,
    128 + the signal when stopped (130 for Ctrl-C), 141 when the reader of the output has gone."""
    from pipeline.errors import Interrupted, PipelineError

    _fewer_collections()
    restore = _stop_on_signals()
    try:
        code = cli.main(args=argv, prog_name="samverkan", standalone_mode=False)
        if isinstance(code, int):
            return code
    except PipelineError as exc:
        click.echo(_error_text(exc), err=True)
        return 1
    except click.exceptions.Abort as exc:  # click's name for an interruption
        click.echo("Avbrutet.", err=True)
        return 128 + (exc.__cause__.signum if isinstance(exc.__cause__, Interrupted) else 2)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except KeyboardInterrupt as exc:
        click.echo("Avbrutet.", err=True)
        return 128 + (exc.signum if isinstance(exc, Interrupted) else 2)
    except BrokenPipeError:
        return _output_closed()
    except SystemExit:  # click ends with exit(1) itself when stdout is closed (EPIPE)
        if isinstance(sys.stdout, click.utils.PacifyFlushWrapper):
            return _output_closed()
        raise
    except OSError as exc:
        if exc.errno in (errno.EPIPE, errno.EINVAL) and _stdout_closed():
            return _output_closed()
        raise
    finally:
        restore()
    return 0


def _stop_on_signals():
    """Turn SIGTERM and SIGHUP into an :class:`Interrupted` exception, so clean-up code runs (no
    LibreOffice process or temporary folder is left behind); return a function undoing that."""
    import signal
    import threading

    from pipeline import platform
    from pipeline.errors import Interrupted

    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def stop(signum, frame):
        raise Interrupted(signum)

    previous = {}
    for signum in platform.termination_signals():
        previous[signum] = signal.signal(signum, stop)

    def restore():
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return restore


def _stdout_closed() -> bool:
    try:
        sys.stdout.flush()
    except OSError:
        return True
    return False


def _output_closed() -> int:
    """End quietly when whoever reads our output has gone (``samverkan … | head``)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush stays quiet
    except (OSError, ValueError, AttributeError):
        pass
    return 141


def _error_text(exc) -> str:
    if len(exc.problems) == 1:
        text = "Fel: " + exc.problems[0].format()
    else:
        text = f"Fel: {len(exc.problems)} problem hittades:\n" + "\n".join(p.format() for p in exc.problems)
    warnings = getattr(exc, "warnings", None)
    return text + "\n" + _warnings_text(warnings) if warnings else text


if __name__ == "__main__":
    sys.exit(main())
