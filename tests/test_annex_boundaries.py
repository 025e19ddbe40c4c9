"""Tables that hold on any number of rows: an annex's last table and a criteria set's table grow one row at a
time across page boundaries, every variant is rendered as a build renders it, laid out by LibreOffice in one
batch and must pass every page rule; the note or summary under a table never leaves its last row.

Three series: from the 2025 fixture (65 communes), the PAR annex (15 columns) with its first group whole and
the communes' table cut to 1 … 45 rows, and the SIPAS annex (9 columns) with the communes' table alone, cut
the same way (the two start their last table at different heights of a page; each crosses three page
boundaries); from the 2019 fixture, the criteria set (Bộ tiêu chí, portrait) with its first table alone, cut
to 20 … 35 and 70 … 85 rows (around two boundaries).
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile

import pytest

from pipeline.build.options import BuildOptions, load_registry
from pipeline.build.prepare import prepare
from pipeline.build.stages import render_documents
from pipeline.pages.check import check_pages
from pipeline.pages.locate import locate
from pipeline.records import Annex, Attachment
from tests.conftest import BUILD_DAY, CASES

ROWS = range(1, 46)  # rows of an annex's last table: from under a heading to past the end of a fourth page
CRITERIA_ROWS = (*range(20, 36), *range(70, 86))  # the criteria set's rows, a row at a time around the end
# of its first page and of its second
LOOSE = range(1, 16)  # PAR variants also laid out without the last row kept with the note: the first boundary


def _cut(table, rows: int):
    return dataclasses.replace(table, rows=table.rows[:rows])


def _variants(options: BuildOptions) -> dict[str, Annex | Attachment]:
    registry = load_registry(options)
    annexes = prepare(CASES / "lang-son-2025-sipas-par", registry, options).decision.annexes
    par = next(annex for annex in annexes if annex.key.endswith("-par"))
    sipas = next(annex for annex in annexes if annex.key.endswith("-sipas"))
    variants: dict[str, Annex | Attachment] = {}
    for rows in ROWS:
        variants[f"par-{rows:02d}"] = dataclasses.replace(
            par, key=f"par-{rows:02d}", tables=(*par.tables[:-1], _cut(par.tables[-1], rows)))
        variants[f"sipas-{rows:02d}"] = dataclasses.replace(
            sipas, key=f"sipas-{rows:02d}", tables=(_cut(sipas.tables[-1], rows),))
    [criteria] = prepare(CASES / "lang-son-2019-bo-tieu-chi", registry, options).decision.attachments
    for rows in CRITERIA_ROWS:
        variants[f"criteria-{rows:02d}"] = dataclasses.replace(
            criteria, key=f"criteria-{rows:02d}", tables=(_cut(criteria.tables[0], rows),))
    return variants


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    folder = tmp_path_factory.mktemp("annex-boundaries")
    options = BuildOptions(out=folder, build_day=BUILD_DAY)
    variants = _variants(options)
    documents = {}
    for kind, template in ((Annex, "cong-bo-chi-so"), (Attachment, "ban-hanh-bo-tieu-chi")):
        prepared = prepare(CASES / ("lang-son-2025-sipas-par" if kind is Annex else "lang-son-2019-bo-tieu-chi"),
                           load_registry(options), options)
        decision = prepared.decision
        assert decision.template == template
        field = "annexes" if kind is Annex else "attachments"
        documents |= render_documents(dataclasses.replace(decision, **{field: tuple(
            variant for variant in variants.values() if isinstance(variant, kind))}), prepared.templates)
    paths = []
    for name in variants:
        path = folder / f"{name}.docx"
        path.write_bytes(documents[path.name][1])
        paths.append(path)
        if name.startswith("par") and int(name[-2:]) in LOOSE:
            paths.append(folder / f"loose-{name}.docx")
            paths[-1].write_bytes(_last_row_loose(documents[path.name][1]))
    return variants, {result.path.stem: result for result in check_pages(paths)}


def _last_row_loose(docx: bytes) -> bytes:
    """The annex as it was before the note kept its last row: no row of a table keeps with the next."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    parts["word/document.xml"] = re.sub(rb"<w:tbl>.*?</w:tbl>", lambda table: table.group().replace(
        b"<w:keepNext/>", b""), parts["word/document.xml"], flags=re.DOTALL)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return buffer.getvalue()


def test_the_last_table_grows_across_at_least_two_page_boundaries(findings):
    _, findings = findings
    for series, rows in (("par", ROWS), ("sipas", ROWS), ("criteria", CRITERIA_ROWS)):
        pages = [len(findings[f"{series}-{count:02d}"].pages) for count in rows]
        assert pages == sorted(pages) and pages[-1] - pages[0] >= 2, (series, pages)


def test_every_annex_variant_passes_every_page_rule(findings):
    _, findings = findings
    failed = {name: [f"{p.code} {p.message}" for p in result.problems]
              for name, result in findings.items() if result.problems and not name.startswith("loose")}
    assert not failed, "\n".join(f"{name}: {problems}" for name, problems in sorted(failed.items()))


def test_the_note_shares_its_page_with_the_last_row(findings):
    """What LAYOUT-06 guards, stated on the variants themselves: the last row's name (an agency, a criterion)
    is set on the page where the note or the summary under the table starts."""
    variants, findings = findings
    for name, document in variants.items():
        table, pages = document.tables[-1], findings[name].pages
        if isinstance(document, Annex):
            last, note, columns = table.rows[-1][1], table.note, len(table.columns)
        else:
            last, note, columns = table.rows[-1].text, table.summary, 3
        last_row = locate(pages, last, skippable=3 * columns)
        under = locate(pages, note.rstrip(" ./") + "./." if isinstance(document, Annex) else note)  # as built
        assert last_row and under and last_row[-1].page == under[0].page, name


def test_a_note_row_left_alone_under_the_repeated_header_is_caught(findings):
    """Without the last row kept with it, the note row falls alone on a page for some row counts, under the
    repeated header: LAYOUT-06 says so, and says nothing else is wrong."""
    _, findings = findings
    caught = {name: {p.code for p in result.problems} for name, result in findings.items()
              if name.startswith("loose") and result.problems}
    assert caught and set().union(*caught.values()) == {"LAYOUT-06"}, caught
