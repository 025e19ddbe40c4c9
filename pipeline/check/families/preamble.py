"""Between the trích yếu and the articles (Mẫu 1.2–1.3; Phụ lục I, II.6a–b): the thẩm quyền line, the căn
cứ (one a paragraph, `;` then `.`, citations with number and date) and the `QUYẾT ĐỊNH:` line.
AUTH-01, CANCU-01 … CANCU-03, QD-01."""

from __future__ import annotations

import re

from pipeline.check.families.body import indented
from pipeline.check.layout import DECISION_TITLE
from pipeline.check.machinery import Checker
from pipeline.check.text import mm, norm, text_runs
from pipeline.nd30 import figures
from pipeline.nd30.figures import Pt, Sizes
from pipeline.nd30.rules import DECISION
from pipeline.ooxml.reader import Paragraph

_LAW = re.compile(r"^(?:Hiến pháp|Bộ luật|Luật|Pháp lệnh)\b")
_ACT = re.compile(r"^(?:Nghị quyết|Nghị định|Quyết định|Thông tư|Chỉ thị|Kế hoạch|Thông tư liên tịch)\b")
_ACT_NUMBER = re.compile(r"\bsố \S+/\S+")
_ACT_DATE = re.compile(r"\bngày \d{1,2}(?:/\d{1,2}/\d{4}| tháng \d{1,2} năm \d{4})")
_LAW_NUMBER = re.compile(r"\bsố \d+/\d{4}/")


def check_authority(c: Checker) -> None:
    layout = c.layout
    if layout.kind != DECISION or layout.title is None:
        return
    authority = layout.authority
    if authority is None:
        anchor = layout.bases[0] if layout.bases else layout.title
        c.report("AUTH-01", "Không tìm thấy dòng thẩm quyền ban hành «CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …» hoặc "
                            "«ỦY BAN NHÂN DÂN TỈNH …» trước các căn cứ.", anchor)
        return
    c.style("AUTH-01", "Thẩm quyền ban hành", authority, size=figures.AUTHORITY, bold=True, center=True,
            caps=True)


def check_bases(c: Checker) -> None:
    layout = c.layout
    if layout.kind != DECISION:
        return
    if not layout.bases:
        anchor = layout.decides[0] if layout.decides else layout.title
        if anchor is not None:
            c.report("CANCU-01", "Không tìm thấy căn cứ ban hành («Căn cứ …», «Theo đề nghị …»).", anchor)
        return
    last = layout.bases[-1]
    for paragraph in layout.bases:
        c.style("CANCU-01", "Căn cứ", paragraph, size=figures.BASES, italic=True)
        text = norm(paragraph.shown)
        if paragraph is last and not (text.endswith(".") and not text.endswith("./.")):
            c.report("CANCU-01", f"Căn cứ cuối cùng cần kết thúc bằng dấu chấm «.», thấy «…{text[-12:]}».",
                     paragraph)
        elif paragraph is not last and not text.endswith(";"):
            c.report("CANCU-01", f"Mỗi căn cứ (trừ căn cứ cuối) cần kết thúc bằng dấu chấm phẩy «;», thấy "
                                 f"«…{text[-12:]}».", paragraph)
        if re.search(r";\s*Căn cứ\b", text):
            c.report("CANCU-01", "Mỗi căn cứ cần một đoạn riêng, thấy nhiều «Căn cứ» trong một đoạn.",
                     paragraph)
        _check_citation(c, paragraph, text)
        if not indented(paragraph):
            c.report("CANCU-03", f"Căn cứ cần lùi đầu dòng {figures.first_line_indents_text()}, "
                                 f"thấy {mm(paragraph.format.first_line)}.", paragraph)


def _check_citation(c: Checker, paragraph: Paragraph, text: str) -> None:
    if not text.lower().startswith("căn cứ"):
        return
    for segment in re.split(r";\s*", text[len("Căn cứ"):].strip().rstrip(".;")):
        if _LAW.match(segment) and _LAW_NUMBER.search(segment.split(" ngày ")[0]):
            c.report("CANCU-02", f"Viện dẫn Luật, Pháp lệnh chỉ ghi tên loại và tên, không ghi số, ký hiệu: "
                                 f"«{segment[:60]}».", paragraph)
        elif _ACT.match(segment) and not (_ACT_NUMBER.search(segment) and _ACT_DATE.search(segment)):
            c.report("CANCU-02", f"Viện dẫn văn bản cần ghi số, ký hiệu và ngày ban hành: «{segment[:60]}».",
                     paragraph)


def check_decides(c: Checker) -> None:
    layout = c.layout
    if layout.kind != DECISION or layout.title is None:
        return
    if not layout.decides:
        anchor = layout.bases[-1] if layout.bases else layout.title
        c.report("QD-01", "Không tìm thấy dòng «QUYẾT ĐỊNH:» sau các căn cứ.", anchor)
        return
    for extra in layout.decides[1:]:
        c.report("QD-01", "Chỉ có một dòng «QUYẾT ĐỊNH:», thấy thêm dòng này.", extra)
    decides = layout.decides[0]
    text = norm(decides.shown)
    if text != DECISION_TITLE + ":":
        c.report("QD-01", f"Cần đúng «{DECISION_TITLE}:» (có dấu hai chấm), thấy «{text}».", decides)
    title_sizes = {run.format.size for run in text_runs(layout.title)}
    size = figures.TITLE
    if len(title_sizes) == 1 and size.allows(min(title_sizes)):
        size = Sizes.only(Pt(min(title_sizes)))
    c.style("QD-01", "«QUYẾT ĐỊNH:»", decides, size=size, bold=True, center=True, caps=True)
