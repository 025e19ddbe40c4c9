"""Stage 4a: compose every string of a decision and its annexes (header, căn cứ, articles, signature).

Templates only place these strings. Whatever is computed (citations, dates, numbers, article
cross-references such as "Như Điều 4", annex names) is computed here; the standard sentences
of a decision kind come from its wording file and may be overridden per case.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence

from pipeline import vn
from pipeline.domain.legal import Registry, basis_line, citation
from pipeline.problems import Problem
from pipeline.records import (
    Annex,
    AnnexTable,
    Attachment,
    BodyParagraph,
    Case,
    CriteriaRow,
    CriteriaTable,
    Decision,
    Item,
    Signature,
)
from pipeline.scoring.records import CriteriaSet, Criterion
from pipeline.vnwords import amount_in_words

SYMBOL = "QĐ-UBND"
PLACEHOLDERS = frozenset({"indexes", "index_names", "scope", "scope_full", "province", "year", "next_year",
                          "annex", "annex_ref", "goal", "executors", "attached", "replaced"})
ISSUES_CRITERIA = "ban-hanh-bo-tieu-chi"


def issuing_body(case: Case) -> str:
    """`Ủy ban nhân dân tỉnh Lạng Sơn`, or its Chairman for a decision within the Chairman's power."""
    body = f"Ủy ban nhân dân tỉnh {case.issuer.province}"
    return f"Chủ tịch {body}" if case.issuer.authority == "chu-tich" else body


def wording_problems(case: Case, wording: Mapping[str, str]) -> tuple[Problem, ...]:
    """A case's wording overrides may only use known keys and placeholders."""
    problems = []
    for key, text in case.wording.items():
        where = case.location(f"wording.{key}")
        if key not in wording:
            problems.append(Problem("case.unknown_wording", f"Không có câu chuẩn «{key}» để thay.", where,
                                    "Các khóa có thể thay nằm trong tệp templates/decisions/<mẫu>.yaml."))
            continue
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        except ValueError:
            names = {"{"}
        unknown = sorted(names - PLACEHOLDERS)
        if unknown:
            problems.append(Problem("case.bad_wording", f"Câu «{key}» dùng chỗ trống không có: {', '.join(unknown)}.",
                                    where, "Chỉ dùng: " + ", ".join(sorted(PLACEHOLDERS)) + "."))
    return tuple(problems)


def compose_decision(case: Case, registry: Registry, wording: Mapping[str, str],
                     tables: Mapping[str, Sequence[AnnexTable]], criteria: CriteriaSet | None = None) -> Decision:
    """The whole decision; `tables` maps each published index to its annex tables (may be empty);
    `criteria` is the criteria set a `ban-hanh-bo-tieu-chi` decision issues."""
    words = {**wording, **case.wording}
    province = case.issuer.province
    year = case.assessed_year or case.date.year - 1
    values = {
        "province": province,
        "year": str(year),
        "next_year": str(year + 1),
        "scope": ", ".join(words.get(f"scope.{group}", "") for group in case.agency_groups),
        "scope_full": ", ".join(words.get(f"scope_full.{group}", "") for group in case.agency_groups),
        "indexes": "; ".join(words[f"index.{index}"] for index in case.publishes),
        "index_names": ", ".join(words[f"index.{index}"] for index in case.publishes),
        "goal": words.get("goal.sipas" if "sipas" in case.publishes else "goal.par", ""),
        "executors": ", ".join(case.executors),
        "attached": criteria.name if criteria else "",
        "replaced": "; ".join(citation(registry.documents[doc_id], province) for doc_id in case.replaces),
    }
    annexes = _annexes(case, words, values, tables)
    body = _articles(case, words, values, annexes)
    executors_article = sum(1 for p in body if p.label)
    return Decision(
        template=case.template,
        body_lines=("ỦY BAN NHÂN DÂN", vn.upper(f"tỉnh {province}")),
        number_line=vn.numbered("Số:", case.number, SYMBOL),
        place_date_line=f"{case.place}, " + vn.long_date(
            case.date.year, case.date.month, case.date.day if case.is_issued else None),
        title="QUYẾT ĐỊNH",
        subject=case.subject or _upper_first(_fill(words.get("subject", ""), values)),
        authority_line=vn.upper(("Chủ tịch " if case.issuer.authority == "chu-tich" else "")
                                + f"Ủy ban nhân dân tỉnh {province}"),
        preamble=_preamble(case, registry),
        body=body,
        recipients=_recipients(case, executors_article),
        signature=_signature(case),
        annexes=annexes,
        attachments=(_attachment(case, words, criteria),) if criteria else (),
        number=case.number,
        symbol=SYMBOL,
        date=case.date,
        issuing_body=issuing_body(case),
        organ=f"Ủy ban nhân dân tỉnh {province}",
        is_draft=not case.is_issued,
    )


def _fill(template: str, values: Mapping[str, str]) -> str:
    return vn.nfc(template.format_map(values))


def _preamble(case: Case, registry: Registry) -> tuple[str, ...]:
    lines = [basis_line((registry.documents[doc_id] for doc_id in group), case.issuer.province)
             for group in case.legal_basis]
    if case.proposal:
        line = f"Theo đề nghị của {case.proposal.by}"
        if case.proposal.memo:
            line += f" tại Tờ trình số {case.proposal.memo.number} ngày {vn.short_date(case.proposal.memo.date)}"
        lines.append(line)
    lines = [line.rstrip(" ;.,") for line in lines]
    return tuple(line + (";" if index < len(lines) - 1 else ".") for index, line in enumerate(lines))


def _annexes(case: Case, words: Mapping[str, str], values: Mapping[str, str],
             tables: Mapping[str, Sequence[AnnexTable]]) -> tuple[Annex, ...]:
    planned: list[tuple[str, str, tuple[AnnexTable, ...]]] = []
    for index in case.publishes:
        index_tables = tuple(tables.get(index, ()))
        if case.annexes_per_group and len(index_tables) > 1:
            for group, table in zip(case.agency_groups, index_tables):
                title = _fill(words[f"annex_title.{index}"], {**values, "scope_full": words[f"scope_full.{group}"]})
                planned.append((index, title, (table,)))
        else:
            planned.append((index, _fill(words[f"annex_title.{index}"], values), index_tables))
    reference = _reference(case)
    many = len(planned) > 1
    return tuple(
        Annex(key=f"phu-luc-{number}-{index}", label=f"Phụ lục {vn.roman(number)}" if many else "Phụ lục",
              title=vn.upper(title), reference=reference, tables=annex_tables)
        for number, (index, title, annex_tables) in enumerate(planned, start=1))


def _articles(case: Case, words: Mapping[str, str], values: Mapping[str, str],
              annexes: Sequence[Annex]) -> tuple[BodyParagraph, ...]:
    """The articles, numbered from 1; the executors' article (with the effective clause) comes last."""
    items: list[Item] = [Item(text) for text in _publication_articles(case, words, values, annexes)]
    effect = _fill(words["replacing"] if case.replaces else words["effective"], values)
    if case.template == ISSUES_CRITERIA:
        items += [Item(_fill(words["issue"], values)), Item(effect)]
    items.extend(case.articles)
    items.extend(Item(text) for text in case.extra_articles)
    closing = _fill(words["executors"], values)
    if case.template != ISSUES_CRITERIA and (case.effective_clause or case.replaces):
        closing = f"{effect} {closing}"
    items.append(Item(closing))
    paragraphs: list[BodyParagraph] = []
    for number, article in enumerate(items, start=1):
        parts = [part.strip() for part in _with_amount(article).split("\n\n") if part.strip()]
        paragraphs.append(BodyParagraph(f"Điều {number}.", parts[0]))
        paragraphs.extend(BodyParagraph("", part) for part in parts[1:])
        for clause_number, clause in enumerate(article.children, start=1):
            paragraphs.append(BodyParagraph("", f"{clause_number}. {_with_amount(clause)}"))
            paragraphs.extend(BodyParagraph("", f"{letter}) {_with_amount(point)}")
                              for letter, point in zip(vn.POINT_LETTERS, clause.children))
    return tuple(paragraphs)


"""Điểm are lettered in Vietnamese alphabetical order (NĐ 30, Phụ lục I, II.6đ): … d), đ), e), g) …"""


def amount_text(amount: int) -> str:
    """`2.000.000 đồng (Bằng chữ: Hai triệu đồng)`."""
    return f"{vn.number(amount)} đồng (Bằng chữ: {amount_in_words(amount)})"


def _with_amount(item: Item) -> str:
    """The item's text with its amount where `{amount}` stands, or appended as the item's end."""
    if item.amount is None:
        return item.text
    if "{amount}" in item.text:
        return item.text.replace("{amount}", amount_text(item.amount))
    return f"{item.text.rstrip()} {amount_text(item.amount)}."


def _publication_articles(case: Case, words: Mapping[str, str], values: Mapping[str, str],
                          annexes: Sequence[Annex]) -> list[str]:
    texts: list[str] = []
    for index in case.publishes:
        labels = [annex.label for annex in annexes if annex.key.endswith(f"-{index}")]
        named = {**values, "annex": _join_names(labels) if labels else "Phụ lục"}
        texts.append(_fill(words[f"article.{index}"], {**named, "annex_ref": _fill(words["annex_ref"], named)}))
    if case.publishes:
        texts.append(_fill(words["directive"], values))
    return texts


def _attachment(case: Case, words: Mapping[str, str], criteria: CriteriaSet) -> Attachment:
    """The criteria set as the document the decision issues: one table of maximum points per group."""
    title, _, subject = criteria.name.partition(" xác định ")
    survey = criteria.survey
    tables = []
    for number, group in enumerate(criteria.groups, start=1):
        rows = [CriteriaRow(node.id, node.name, vn.number(node.maximum), node.id.count(".") + 1)
                for field in group.fields for node in field.walk()]
        if survey is not None:
            rows.append(CriteriaRow(words["attachment.survey"], survey.name, vn.number(survey.maximum), 1))
        rows.append(CriteriaRow("", "Tổng điểm", vn.number(criteria.total), 0))
        counts = count_nodes(group.fields)
        summary = _fill(words["attachment.summary"], {
            "fields": str(counts[0]), "criteria": str(counts[1]), "sub_criteria": str(counts[2]),
            "total": vn.number(criteria.total), "survey_points": vn.number(survey.maximum if survey else 0)})
        heading = f"{vn.roman(number)}. " + vn.upper(words.get(f"attachment.heading.{group.id}", group.id))
        tables.append(CriteriaTable(heading, tuple(rows), summary))
    reference = _reference(case)
    return Attachment(key="bo-tieu-chi", body_lines=("ỦY BAN NHÂN DÂN", vn.upper(f"tỉnh {case.issuer.province}")),
                      title=vn.upper(title), subject=_upper_first(f"xác định {subject}") if subject else "",
                      reference=reference, tables=tuple(tables), note=(criteria.note or "").rstrip(" ./") + "./.")


def count_nodes(fields: Sequence[Criterion]) -> tuple[int, int, int]:
    """(fields, criteria, sub-criteria) of one group, as a decision declares them (seed 004: 8 / 39 / 58)."""
    nodes = [node for field in fields for node in field.walk()]
    return tuple(sum(1 for node in nodes if node.id.count(".") == depth) for depth in range(3))


def _reference(case: Case) -> str:
    """`(Kèm theo Quyết định số 05/QĐ-UBND ngày 05 tháng 02 năm 2024 của …)`, blanks in a draft."""
    date = vn.long_date(case.date.year, case.date.month, case.date.day if case.is_issued else None)
    return f"(Kèm theo {vn.numbered('Quyết định số', case.number, SYMBOL)} {date} của {issuing_body(case)})"


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join_names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " và " + names[-1]


def _recipients(case: Case, executors_article: int) -> tuple[str, ...]:
    lines = [f"Như Điều {executors_article}", *case.recipients]
    keep = ", ".join(case.archive.keep)
    archive = f"Lưu: {keep}" + (f" ({case.archive.drafter})" if case.archive.drafter else "")
    return tuple(f"- {line.rstrip(' ;.,')};" for line in lines) + (f"- {archive}.",)


def _signature(case: Case) -> Signature:
    signer = case.signer
    title = vn.upper(signer.title)
    head = "CHỦ TỊCH"
    deputy = title != head
    if case.issuer.authority == "uy-ban":
        lines = ("TM. ỦY BAN NHÂN DÂN", f"KT. {head}", title) if deputy else ("TM. ỦY BAN NHÂN DÂN", head)
    elif signer.sign_for in {"KT", "TL", "TUQ"}:
        lines = (f"{signer.sign_for}. {head}", title)
    elif signer.sign_for == "Q":
        lines = (f"Q. {head}",)
    else:
        lines = (title,)
    return Signature(lines, signer.name, signer.title)
