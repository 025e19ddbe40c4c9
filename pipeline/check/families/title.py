"""Tên loại and trích yếu (Phụ lục I, II.5b; Mẫu 1.2–1.3): `QUYẾT ĐỊNH`, the subject under it, the short
line under the subject, both the same size. TTL-01 … TTL-04."""

from __future__ import annotations

from pipeline.check.layout import DECISION_TITLE
from pipeline.check.machinery import Checker
from pipeline.check.text import norm, off_centre, pts, text_runs
from pipeline.nd30 import figures
from pipeline.nd30.rules import DECISION


def check_title(c: Checker) -> None:
    layout = c.layout
    title = layout.title
    if title is None:
        if layout.kind == DECISION:
            c.report("TTL-01", "Không tìm thấy tên loại văn bản «QUYẾT ĐỊNH».", section=0, part="tên loại")
        return
    text = norm(title.shown)
    if layout.kind == DECISION and text != DECISION_TITLE:
        c.report("TTL-01", f"Tên loại cần «{DECISION_TITLE}» (in hoa, không có dấu hai chấm), "
                           f"thấy «{text}».", title)
    elif text.endswith(":"):
        c.report("TTL-01", f"Tên loại không có dấu hai chấm, thấy «{text}».", title)
    c.style("TTL-01", "Tên loại văn bản", title, size=figures.TITLE, bold=True, italic=False, center=True)
    if not layout.subject:
        c.report("TTL-02", "Không tìm thấy trích yếu nội dung dưới tên loại văn bản.", title)
        return
    sizes = {run.format.size for run in text_runs(title)}
    for paragraph in layout.subject:
        c.style("TTL-02", "Trích yếu", paragraph, size=figures.SUBJECT, bold=True, italic=False,
                center=True, caps=False)
        subject_sizes = {run.format.size for run in text_runs(paragraph)}
        if len(sizes) == 1 and figures.TITLE.allows(min(sizes)) and subject_sizes and subject_sizes != sizes:
            c.report("TTL-04", f"Trích yếu cần cùng cỡ chữ với tên loại ({pts(sizes)}), "
                               f"thấy {pts(subject_sizes)}.", paragraph)
    line = layout.subject_line
    if line is None:
        if not layout.subject[-1].format.border_bottom:
            c.report("TTL-03", "Cần đường kẻ ngang nét liền, ngắn, căn giữa dưới trích yếu, thấy không có.",
                     layout.subject[-1])
    elif off_centre(line):
        c.report("TTL-03", "Đường kẻ dưới trích yếu cần ngắn và căn giữa, thấy kẻ hết dòng hoặc lệch một "
                           "bên.", line)
    elif norm(line.shown) and line.format.alignment != "center":
        c.report("TTL-03", "Đường kẻ dưới trích yếu cần căn giữa.", line)
