"""The document as a whole (Phụ lục III, Mẫu 1.2–1.3; Điều 15): its parts in order, and a draft told from
a numbered decision. DOC-01, DOC-03 (DOC-02, a number used once a year, needs the register)."""

from __future__ import annotations

from itertools import pairwise

from pipeline.check.layout import ARTICLE, DATE_LINE
from pipeline.check.machinery import Checker
from pipeline.check.text import norm
from pipeline.nd30.rules import DECISION


def check_draft(c: Checker) -> None:
    """A draft leaves both number and day blank and carries no signature or seal; a numbered decision has
    its day."""
    layout = c.layout
    header = layout.header
    if layout.kind != DECISION or header is None or header.number is None or header.date is None:
        return
    date = DATE_LINE.match(norm(header.date.shown))
    if date is not None and layout.draft != (date.group("day") is None):
        c.report("DOC-03", "Bản thảo để trống cả số và ngày; văn bản đã có số ghi đủ ngày ban hành, thấy "
                           f"«{norm(header.number.shown)}» với «{norm(header.date.shown)}».", header.date)
    if layout.draft and layout.signature and layout.signature.pictures:
        c.report("DOC-03", "Bản thảo không có ảnh chữ ký, con dấu, thấy có ảnh trong khối chữ ký.",
                 next(layout.signature.table.paragraphs()))


def check_order(c: Checker) -> None:
    layout = c.layout
    if layout.kind != DECISION:
        return
    landmarks = [("phần đầu", layout.header.national if layout.header else None), ("tên loại", layout.title),
                 ("thẩm quyền", layout.authority), ("căn cứ", layout.bases[0] if layout.bases else None),
                 ("«QUYẾT ĐỊNH:»", layout.decides[0] if layout.decides else None),
                 ("các điều", next((p for p in layout.body if ARTICLE.match(norm(p.shown))), None)),
                 ("chữ ký, nơi nhận",
                  next(layout.signature.table.paragraphs()) if layout.signature else None),
                 ("phụ lục", layout.annexes[0].heading if layout.annexes else None)]
    found = [(name, p) for name, p in landmarks if p is not None]
    for (before_name, before), (name, paragraph) in pairwise(found):
        if paragraph.number < before.number:
            c.report("DOC-01", f"Thứ tự các phần: {name} cần đứng sau {before_name}, thấy đứng trước.",
                     paragraph)
