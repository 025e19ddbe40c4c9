"""Nơi nhận (Phụ lục I, II.9d; Mẫu 1.2–1.3): the label level with the signer's title, one recipient a
line from `-` to `;`, `- Lưu: …` last, and a decision's first recipient `- Như Điều n;`. NN-01 … NN-03."""

from __future__ import annotations

import re

from pipeline.check.layout import ARTICLE, SignatureBlock
from pipeline.check.machinery import Checker
from pipeline.check.text import ALIGNMENTS, norm, style_issues
from pipeline.nd30 import figures
from pipeline.nd30.rules import DECISION
from pipeline.ooxml.reader import Paragraph

_DRAFTER = re.compile(r"^[A-ZĐ]{1,8}\.?\s*\(\d+\)\.?$")


def check_recipients(c: Checker, signature: SignatureBlock) -> None:
    label = signature.label
    if label is None:
        if c.layout.kind == DECISION:
            c.report("NN-01", "Không tìm thấy «Nơi nhận:» trong bảng chữ ký.",
                     next(signature.table.paragraphs()))
        return
    text = norm(label.shown)
    if text != "Nơi nhận:":
        c.report("NN-01", f"Cần đúng «Nơi nhận:» (có dấu hai chấm), thấy «{text}».", label)
    issues = style_issues(label, size=figures.RECIPIENTS_LABEL, bold=True, italic=True)
    if label.format.alignment in ("center", "right"):
        issues.append(f"cần căn trái, thấy {ALIGNMENTS[label.format.alignment]}")
    if issues:
        c.report("NN-01", f"«Nơi nhận:»: {'; '.join(issues)}.", label)
    if signature.titles and not (signature.same_row and signature.level):
        c.report("NN-01", "«Nơi nhận:» cần ngang hàng với dòng quyền hạn, chức vụ người ký (cùng hàng bảng, "
                          "dòng đầu của mỗi ô).", label)
    lines = list(signature.recipients)
    if lines and _DRAFTER.match(norm(lines[-1].shown)):
        lines.pop()
    items: list[list[Paragraph]] = []
    for paragraph in lines:
        c.style("NN-02", "Nơi nhận", paragraph, size=figures.RECIPIENTS, bold=False, italic=False)
        line = norm(paragraph.shown)
        if line.startswith(("-", "–")) or not items:
            if not re.match(r"^- \S", line):
                c.report("NN-02", f"Mỗi nơi nhận bắt đầu bằng gạch đầu dòng «- », thấy «{line[:20]}».",
                         paragraph)
            items.append([paragraph])
        else:
            items[-1].append(paragraph)
    if not items:
        c.report("NN-02", "Không có nơi nhận nào dưới «Nơi nhận:».", label)
        return
    for item in items[:-1]:
        end = norm(item[-1].shown)
        if not end.endswith(";"):
            c.report("NN-02", f"Mỗi nơi nhận (trừ dòng cuối) kết thúc bằng «;», thấy «…{end[-15:]}».",
                     item[-1])
    last_first, last_end = norm(items[-1][0].shown), norm(items[-1][-1].shown)
    if not last_first.startswith("- Lưu:"):
        c.report("NN-02", f"Dòng cuối nơi nhận cần «- Lưu: VT, …», thấy «{last_first[:30]}».", items[-1][0])
    if not last_end.endswith("."):
        c.report("NN-02", f"Dòng cuối nơi nhận kết thúc bằng dấu chấm «.», thấy «…{last_end[-15:]}».",
                 items[-1][-1])
    if c.layout.kind == DECISION:
        _check_first_recipient(c, items[0][0])


def _check_first_recipient(c: Checker, paragraph: Paragraph) -> None:
    articles = [int(m.group("number")) for p in c.layout.body if (m := ARTICLE.match(norm(p.shown)))]
    executors = [int(m.group("number")) for p in c.layout.body if (m := ARTICLE.match(norm(p.shown)))
                 and re.search(r"thi hành Quyết định này|chịu trách nhiệm thi hành", norm(p.shown))]
    match = re.match(r"^- Như Điều (\d+)\s*;$", norm(paragraph.shown))
    if not match:
        wanted = f"- Như Điều {executors[-1]};" if executors else "- Như Điều n;"
        c.report("NN-03", f"Nơi nhận đầu tiên của quyết định cần «{wanted}», "
                          f"thấy «{norm(paragraph.shown)}».", paragraph)
        return
    number = int(match.group(1))
    if executors and number != executors[-1]:
        c.report("NN-03", f"«Như Điều {number}» cần chỉ điều giao trách nhiệm thi hành: cần «Như Điều "
                          f"{executors[-1]}», thấy «Như Điều {number}».", paragraph)
    elif not executors and number not in articles:
        c.report("NN-03", f"«Như Điều {number}»: quyết định không có Điều {number}.", paragraph)
