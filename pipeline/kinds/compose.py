"""Stage 4a: compose every string of a decision (header, căn cứ, articles, signature): the parts every
kind shares; a kind's module adds its own (annexes, an attached document, its lead articles).

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
from pipeline.records import Annex, Attachment, BodyParagraph, Case, Decision, Item, Signature
from pipeline.vnwords import amount_in_words

SYMBOL = "QĐ-UBND"
PLACEHOLDERS = frozenset({"indexes", "index_names", "scope", "scope_full", "province", "unit", "year",
                          "next_year", "annex", "annex_ref", "goal", "executors", "attached", "replaced"})


def issuing_body(case: Case) -> str:
    """`Ủy ban nhân dân tỉnh Lạng Sơn` (`… thành phố Hà Nội`, `… xã Đồng Đăng`), or its Chairman for a
    decision within the Chairman's power: the authority line in capitals, and who a "Kèm theo" names."""
    body = case.issuer.committee
    return f"Chủ tịch {body}" if case.issuer.authority == "chu-tich" else body


def wording_problems(case: Case, wording: Mapping[str, str],
                     placeholders: frozenset[str] = PLACEHOLDERS) -> tuple[Problem, ...]:
    """A case's wording overrides may only use its kind's keys and placeholders."""
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
        unknown = sorted(names - placeholders)
        if unknown:
            problems.append(Problem("case.bad_wording", f"Câu «{key}» dùng chỗ trống không có: {', '.join(unknown)}.",
                                    where, "Chỉ dùng: " + ", ".join(sorted(placeholders)) + "."))
    return tuple(problems)


def placeholder_values(case: Case, registry: Registry, words: Mapping[str, str]) -> dict[str, str]:
    """What the wording's `{placeholders}` stand for (see PLACEHOLDERS); a kind may add its own."""
    province = case.issuer.province
    year = case.assessed_year or case.date.year - 1
    return {
        "province": province,
        "unit": case.issuer.unit,
        "year": str(year),
        "next_year": str(year + 1),
        "scope": ", ".join(words.get(f"scope.{group}", "") for group in case.agency_groups),
        "scope_full": ", ".join(words.get(f"scope_full.{group}", "") for group in case.agency_groups),
        "indexes": "; ".join(words[f"index.{index}"] for index in case.publishes),
        "index_names": ", ".join(words[f"index.{index}"] for index in case.publishes),
        "goal": words.get("goal.sipas" if "sipas" in case.publishes else "goal.par", ""),
        "executors": ", ".join(case.executors),
        "attached": "",
        "replaced": "; ".join(citation(registry.documents[doc_id], province) for doc_id in case.replaces),
    }


def compose_decision(case: Case, registry: Registry, words: Mapping[str, str], values: Mapping[str, str],
                     lead: Sequence[Item] = (), *, effect_in_closing: bool = True,
                     annexes: tuple[Annex, ...] = (), attachments: tuple[Attachment, ...] = ()) -> Decision:
    """The whole decision. `words`: the kind's wording with the case's overrides; `lead`: the kind's own
    articles, before the case's; `effect_in_closing`: the effect sentence (`effective_clause`, `replaces`)
    opens the executors' article, unless the kind's lead articles state it."""
    body = _articles(case, words, values, lead, effect_in_closing)
    executors_article = sum(1 for p in body if p.label)
    subject = case.subject or upper_first(fill(words.get("subject", ""), values))
    return Decision(
        template=case.template,
        organ_lines=organ_lines(case),
        number_line=vn.numbered("Số:", case.number, SYMBOL),
        place_date_line=f"{case.place}, " + vn.long_date(
            case.date.year, case.date.month, case.date.day if case.is_issued else None),
        title="QUYẾT ĐỊNH",
        subject=vn.one_line(subject),
        subject_as_set=vn.as_set(subject, (case.issuer.province, *(filter(None, (case.issuer.commune,))))),
        authority_line=vn.upper(issuing_body(case)),
        preamble=_preamble(case, registry),
        body=body,
        recipients=_recipients(case, executors_article),
        signature=_signature(case),
        annexes=annexes,
        attachments=attachments,
        number=case.number,
        symbol=SYMBOL,
        date=case.date,
        issuing_body=issuing_body(case),
        organ=case.issuer.committee,
        is_draft=not case.is_issued,
    )


def organ_lines(case: Case) -> tuple[str, str]:
    """The issuing organ's name in the header's top left (Mẫu 1.1, ô số 2): `ỦY BAN NHÂN DÂN` / `TỈNH …`
    (`THÀNH PHỐ HÀ NỘI`, `XÃ ĐỒNG ĐĂNG`). A People's Committee has no chủ quản line (Phụ lục I, I.2a: the
    chủ quản is written only where there is one), so a commune's header names the commune alone."""
    return ("ỦY BAN NHÂN DÂN", vn.upper(case.issuer.unit))


def effect_sentence(case: Case, words: Mapping[str, str], values: Mapping[str, str]) -> str:
    """`Quyết định này có hiệu lực …`, naming the replaced documents when the case replaces any."""
    return fill(words["replacing"] if case.replaces else words["effective"], values)


def fill(template: str, values: Mapping[str, str]) -> str:
    """A wording sentence with its placeholders filled, NFC."""
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


def _articles(case: Case, words: Mapping[str, str], values: Mapping[str, str], lead: Sequence[Item],
              effect_in_closing: bool) -> tuple[BodyParagraph, ...]:
    """The articles, numbered from 1; the executors' article (with the effect sentence) comes last."""
    items: list[Item] = [*lead, *case.articles, *(Item(text) for text in case.extra_articles)]
    closing = fill(words["executors"], values)
    if effect_in_closing and (case.effective_clause or case.replaces):
        closing = f"{effect_sentence(case, words, values)} {closing}"
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


def reference(case: Case) -> str:
    """`(Kèm theo Quyết định số 05/QĐ-UBND ngày 05 tháng 02 năm 2024 của …)`, blanks in a draft."""
    date = vn.long_date(case.date.year, case.date.month, case.date.day if case.is_issued else None)
    return f"(Kèm theo {vn.numbered('Quyết định số', case.number, SYMBOL)} {date} của {issuing_body(case)})"


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def join_names(names: Sequence[str]) -> str:
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
