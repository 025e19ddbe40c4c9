"""The signature (Phụ lục I, II.7; Điều 13): the signer's authority and title lines, TM./KT. as the power
requires, the signer's name. SIGN-01 … SIGN-03; the recipients beside it are `recipients`."""

from __future__ import annotations

import re

from pipeline.check.families.recipients import check_recipients
from pipeline.check.layout import SignatureBlock
from pipeline.check.machinery import Checker
from pipeline.check.text import norm
from pipeline.nd30 import figures
from pipeline.nd30.rules import DECISION

SIGNING_PREFIXES = ("TM.", "KT.", "Q.", "TL.", "TUQ.")
_ACADEMIC = re.compile(r"^(?:GS|PGS|TS|TSKH|ThS|Ths|KS|BS|CN|NCS)\.?(?:\s|\.|$)")


def check_signature(c: Checker) -> None:
    layout = c.layout
    signature = layout.signature
    if signature is None:
        if layout.kind == DECISION and layout.title is not None:
            anchor = layout.body[-1] if layout.body else layout.title
            c.report("SIGN-01", "Không tìm thấy bảng chữ ký (quyền hạn, chức vụ, họ tên người ký) và "
                                "nơi nhận.", anchor)
        return
    if not signature.titles:
        c.report("SIGN-01", "Không tìm thấy dòng quyền hạn, chức vụ người ký (in hoa).",
                 next(signature.table.paragraphs()))
    for paragraph in signature.titles:
        c.style("SIGN-01", "Quyền hạn, chức vụ người ký", paragraph, size=figures.SIGNER, bold=True,
                center=True)
        first = norm(paragraph.shown).split(" ")[0]
        if (re.match(r"^(?:TM|KT|Q|TL|TUQ)\b", first) or re.match(r"^[A-Z]\.[A-Z]\.", first)) \
                and first not in SIGNING_PREFIXES:
            c.report("SIGN-01", f"Chữ viết tắt quyền hạn cần là {', '.join(SIGNING_PREFIXES)} (có dấu chấm), "
                                f"thấy «{first}».", paragraph)
    _check_signing_authority(c, signature)
    name = signature.name
    if name is None:
        if not layout.draft and layout.kind == DECISION:
            c.report("SIGN-03", "Không tìm thấy họ tên người ký.", signature.titles[-1] if signature.titles
                     else next(signature.table.paragraphs()))
    else:
        text = norm(name.shown)
        if _ACADEMIC.match(text):
            c.report("SIGN-03", f"Không ghi học hàm, học vị trước họ tên người ký, thấy «{text}».", name)
        elif not all(word[:1].isupper() and word[1:] == word[1:].lower() for word in text.split(" ")):
            c.report("SIGN-03", f"Họ tên người ký cần viết hoa chữ đầu mỗi tiếng (Hồ Tiến Thiệu), "
                                f"thấy «{text}».", name)
        c.style("SIGN-03", "Họ tên người ký", name, size=figures.SIGNER, bold=True, center=True)
    check_recipients(c, signature)


def _check_signing_authority(c: Checker, signature: SignatureBlock) -> None:
    authority = c.layout.authority
    if c.layout.kind != DECISION or not signature.titles:
        return
    lines = [norm(p.shown) for p in signature.titles]
    if authority is not None:
        power = norm(authority.shown).upper()
        if power.startswith("ỦY BAN NHÂN DÂN") and not lines[0].startswith("TM. ỦY BAN NHÂN DÂN"):
            c.report("SIGN-02", f"Thẩm quyền tập thể («{power}») cần ký «TM. ỦY BAN NHÂN DÂN», "
                                f"thấy «{lines[0]}».", signature.titles[0])
        if power.startswith("CHỦ TỊCH"):
            for paragraph, line in zip(signature.titles, lines):
                if line.startswith("TM."):
                    c.report("SIGN-02", f"Thẩm quyền của Chủ tịch («{power}») không ký «TM.», thấy «{line}».",
                             paragraph)
    for index, (paragraph, line) in enumerate(zip(signature.titles, lines)):
        if line == "PHÓ CHỦ TỊCH" and (index == 0 or lines[index - 1] != "KT. CHỦ TỊCH"):
            c.report("SIGN-02", "Phó Chủ tịch ký thay cần dòng «KT. CHỦ TỊCH» ngay trên «PHÓ CHỦ TỊCH».",
                     paragraph)
        if line.startswith("KT.") and index == len(lines) - 1:
            c.report("SIGN-02", f"Sau «{line}» cần chức vụ của người ký thay (ví dụ «PHÓ CHỦ TỊCH»).",
                     paragraph)
