"""The format rules of Nghị định 30/2020/NĐ-CP as data: id, severity, where the rule comes from, what it says.

Ids and severities follow `format.md` §13. Severity (`RuleSeverity`, valued with format.md's letters)
`E` = required by the decree's text (Phụ lục I), `M` = seen in the official samples (Mẫu, Phụ lục III),
`P` = practice. The figures the summaries state (sizes, margins, indents) come from `figures`. `applies_to` names the kinds of
document a rule is checked on: `decision` (a Quyết định, with its annexes when they are in the same file),
`annex` (a Phụ lục in its own file) and `other` (any other document, e.g. the decree itself: only the
general rules of Phụ lục I on page, font, page numbers, header block and signature apply). A rule with an
empty `applies_to` cannot be checked on one file and is listed for completeness.

Ids added to §13 here: `PAGE-03` (margins of landscape annex pages), `TTL-04` (trích yếu the size of the
tên loại, Mẫu), `CANCU-03` (căn cứ indented like the body, Mẫu), `ANX-07` (annex table header rows repeat
on every page), `ANX-08` (annex table rows do not break across pages) and the page rules `LAYOUT-01` …
`LAYOUT-08`, which are checked on the pages LibreOffice lays a document out on (`on_pages`,
`pipeline/pages/rules.py`: `qdgen check --pages`), not on the .docx.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from pipeline.nd30 import figures as f

DECISION, ANNEX, OTHER = "decision", "annex", "other"
KINDS = (DECISION, ANNEX, OTHER)
KIND_NAMES = MappingProxyType({DECISION: "quyết định", ANNEX: "phụ lục", OTHER: "văn bản loại khác"})

_ALL = frozenset(KINDS)
_QD = frozenset((DECISION,))
_QD_OTHER = frozenset((DECISION, OTHER))
_QD_ANNEX = frozenset((DECISION, ANNEX))
_INDENTS = f.first_line_indents_text()


class RuleSeverity(enum.StrEnum):
    """Where a rule comes from, valued with the letters of format.md §13. Only REQUIRED rules are errors."""

    REQUIRED = "E"
    """Stated by the decree's text."""
    SAMPLE = "M"
    """Seen in the official samples (Mẫu, Phụ lục III)."""
    PRACTICE = "P"
    """Common practice."""


E, M, P = RuleSeverity.REQUIRED, RuleSeverity.SAMPLE, RuleSeverity.PRACTICE


@dataclass(frozen=True, slots=True)
class Rule:
    """One checkable rule. `source` cites the decree (Phụ lục I section, Phụ lục III Mẫu, Điều);
    `summary` states the rule in Vietnamese."""

    id: str
    severity: RuleSeverity
    source: str
    applies_to: frozenset[str]
    summary: str
    on_pages: bool = False
    """Checked on the laid-out pages (`qdgen check --pages`), not on the .docx."""


RULES: tuple[Rule, ...] = (
    # Page and font
    Rule("PAGE-01", E, "Phụ lục I, I.1–2", _ALL,
         f"Khổ A4 ({f.PAPER[0].value:g} × {f.PAPER[1]}), trang dọc; phụ lục được phép trình bày trang ngang"),
    Rule("PAGE-02", E, "Phụ lục I, I.3", _ALL,
         f"Lề trên {f.MARGINS.top}, lề dưới {f.MARGINS.bottom}, lề trái {f.MARGINS.left}, lề phải {f.MARGINS.right}"),
    Rule("PAGE-03", P, "Phụ lục I, I.3 (trang ngang: chưa quy định)", _QD_ANNEX,
         "Trang ngang của phụ lục dùng cùng số đo lề như trang dọc"),
    Rule("FONT-01", E, "Phụ lục I, I.4", _ALL,
         f"Phông chữ {f.FONT} cho mọi chữ (cả ô ascii và hAnsi chứa chữ tiếng Việt)"),
    Rule("FONT-02", E, "Phụ lục I, I.4", _ALL, "Chữ màu đen"),
    Rule("FONT-03", E, "Phụ lục I, I.4 (TCVN 6909:2001)", _ALL,
         "Chữ Unicode dựng sẵn (NFC), không dùng bảng mã TCVN3/VNI"),
    Rule("PGNUM-01", E, "Phụ lục I, I.7", _ALL,
         f"Số trang bằng chữ số Ả Rập, cỡ {f.PAGE_NUMBER}, đứng, căn giữa lề trên; không hiện ở trang đầu"),
    Rule("PGNUM-02", E, "Phụ lục I, III.1đ", _QD_ANNEX, "Mỗi phụ lục đánh số trang riêng, bắt đầu từ 1"),
    # Header block
    Rule("HDR-01", E, "Phụ lục I, II.1a", _QD_OTHER,
         f"Quốc hiệu «CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM»: in hoa, đậm, đứng, cỡ {f.NATIONAL_NAME}, căn giữa ô bên phải"),
    Rule("HDR-02", E, "Phụ lục I, II.1b", _QD_OTHER,
         f"Tiêu ngữ «Độc lập - Tự do - Hạnh phúc» (gạch nối có cách chữ): đậm, đứng, cỡ {f.MOTTO}, căn giữa"),
    Rule("HDR-03", E, "Phụ lục I, II.1b", _QD_OTHER, "Đường kẻ ngang nét liền dưới tiêu ngữ"),
    Rule("HDR-04", E, "Phụ lục I, II.2", _QD_OTHER,
         f"Tên cơ quan ban hành: in hoa, đậm, cỡ {f.ISSUER}, căn giữa ô bên trái; "
         "cơ quan chủ quản in hoa, không đậm"),
    Rule("HDR-05", E, "Phụ lục I, II.2b", _QD_OTHER,
         "Đường kẻ ngang nét liền, ngắn, căn giữa dưới tên cơ quan ban hành"),
    Rule("HDR-06", E, "Phụ lục I, II.3; Phụ lục III, I", _QD_OTHER,
         f"Dòng «Số: 05/QĐ-UBND» (số dưới 10 thêm số 0; bản thảo để trống số): cỡ {f.NUMBER}, đứng, không đậm, "
         "căn giữa dưới tên cơ quan"),
    Rule("HDR-07", E, "Phụ lục I, II.4", _QD_OTHER,
         "Địa danh, ngày tháng năm «Lạng Sơn, ngày 05 tháng 02 năm 2024» (ngày dưới 10 và tháng 1, 2 thêm "
         f"số 0): nghiêng, cỡ {f.PLACE_DATE}, căn giữa ô bên phải, cùng hàng với dòng Số"),
    Rule("HDR-08", P, "Phụ lục I, II.4a", _QD, "Địa danh là tên tỉnh nơi cơ quan ban hành đóng trụ sở"),
    # Title, authority, căn cứ
    Rule("TTL-01", E, "Phụ lục I, II.5b", _QD_OTHER,
         f"Tên loại văn bản («QUYẾT ĐỊNH»): in hoa, đậm, cỡ {f.TITLE}, căn giữa, không có dấu hai chấm"),
    Rule("TTL-02", E, "Phụ lục I, II.5b", _QD_OTHER,
         f"Trích yếu nội dung: chữ thường, đậm, không nghiêng, cỡ {f.SUBJECT}, căn giữa"),
    Rule("TTL-03", E, "Phụ lục I, II.5b", _QD_OTHER,
         "Đường kẻ ngang nét liền, ngắn, căn giữa dưới trích yếu"),
    Rule("TTL-04", M, "Phụ lục III, Mẫu 1.2–1.3", _QD_OTHER, "Trích yếu cùng cỡ chữ với tên loại"),
    Rule("AUTH-01", M, "Phụ lục III, Mẫu 1.2–1.3 (chú thích 6)", _QD,
         "Dòng thẩm quyền ban hành «ỦY BAN NHÂN DÂN TỈNH …» hoặc «CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …»: "
         "in hoa, đậm, căn giữa, trước các căn cứ"),
    Rule("CANCU-01", E, "Phụ lục I, II.6a", _QD,
         f"Căn cứ ban hành: nghiêng, cỡ {f.BASES}, mỗi căn cứ một đoạn, kết thúc bằng «;», "
         "căn cứ cuối kết thúc bằng «.»"),
    Rule("CANCU-02", P, "Phụ lục I, II.6b", _QD,
         "Viện dẫn Luật, Pháp lệnh chỉ ghi tên loại và tên; văn bản khác ghi số, ký hiệu và ngày ban hành"),
    Rule("CANCU-03", M, "Phụ lục III, Mẫu 1.2–1.3", _QD,
         f"Căn cứ lùi đầu dòng {_INDENTS} như phần nội dung"),
    Rule("QD-01", M, "Phụ lục III, Mẫu 1.2–1.3", _QD,
         "Một dòng «QUYẾT ĐỊNH:» sau các căn cứ: in hoa, đậm, căn giữa, cùng cỡ với tên loại"),
    # Body
    Rule("BODY-01", E, "Phụ lục I, II.6e", _QD,
         f"Nội dung: căn đều hai lề, chữ đứng, cỡ {f.BODY}, cùng một cỡ chữ"),
    Rule("BODY-02", E, "Phụ lục I, II.6e", _QD, f"Lùi đầu dòng {_INDENTS}"),
    Rule("BODY-03", E, "Phụ lục I, II.6e", _QD, f"Khoảng cách giữa các đoạn văn tối thiểu {f.PARAGRAPH_GAP}"),
    Rule("BODY-04", E, "Phụ lục I, II.6e", _QD,
         f"Khoảng cách giữa các dòng từ một dòng đơn đến {f.decimal(f.LINE_SPACING[1])} dòng"),
    Rule("BODY-05", E, "Phụ lục I, II.6đ", _QD,
         "Điều: «Điều» + số Ả Rập liên tiếp từ 1 + «.», in đậm; nội dung điều không có tiêu đề không in đậm"),
    Rule("BODY-06", E, "Phụ lục I, II.6đ", _QD,
         "Khoản «1.», «2.» … và điểm «a)», «b)», … «đ)» theo thứ tự chữ cái tiếng Việt, chữ đứng, không đậm"),
    Rule("BODY-07", M, "Phụ lục III, Mẫu 1.2–1.3", _QD, "Đoạn cuối phần nội dung kết thúc bằng «./.»"),
    Rule("BODY-08", E, "Phụ lục I, III.1a", _QD,
         "Nội dung văn bản phải dẫn chiếu đến từng phụ lục kèm theo"),
    Rule("BODY-09", E, "Phụ lục II (viết hoa)", _QD,
         "Viết hoa đúng: «Ủy ban nhân dân», «Quyết định này», «Điều 3», «điểm a khoản 2 Điều 3»"),
    # Signature and recipients
    Rule("SIGN-01", E, "Phụ lục I, II.7", _QD_OTHER,
         f"Quyền hạn, chức vụ người ký: in hoa, đậm, cỡ {f.SIGNER}, căn giữa; chỉ dùng TM., KT., Q., TL., TUQ."),
    Rule("SIGN-02", E, "Phụ lục I, II.7b; Điều 13", _QD,
         "Thẩm quyền tập thể ký «TM. ỦY BAN NHÂN DÂN»; thẩm quyền Chủ tịch không ký «TM.»; "
         "«PHÓ CHỦ TỊCH» ký «KT. CHỦ TỊCH»"),
    Rule("SIGN-03", E, "Phụ lục I, II.7c", _QD_OTHER,
         f"Họ tên người ký: chữ thường viết hoa chữ đầu, đậm, cỡ {f.SIGNER}, căn giữa; không ghi học hàm, học vị"),
    Rule("NN-01", E, "Phụ lục I, II.9d", _QD_OTHER,
         f"«Nơi nhận:» cỡ {f.RECIPIENTS_LABEL}, đậm, nghiêng, căn trái, ngang hàng với dòng quyền hạn người ký"),
    Rule("NN-02", E, "Phụ lục I, II.9d", _QD_OTHER,
         f"Mỗi nơi nhận một dòng bắt đầu bằng «-», kết thúc bằng «;», cỡ {f.RECIPIENTS}, đứng; dòng cuối «- Lưu: VT, …» "
         "kết thúc bằng «.»"),
    Rule("NN-03", M, "Phụ lục III, Mẫu 1.2–1.3", _QD,
         "Nơi nhận đầu tiên «- Như Điều n;» với n là điều giao trách nhiệm thi hành"),
    # Annex
    Rule("ANX-01", E, "Phụ lục I, III.1b", _QD_ANNEX,
         f"Phụ lục bắt đầu trang mới; dòng «Phụ lục» (+ số La Mã) chữ thường, cỡ {f.ANNEX_HEADING}, đậm, đứng, căn giữa"),
    Rule("ANX-02", E, "Phụ lục I, III.1a", _QD_ANNEX, "Phụ lục đánh số La Mã liên tiếp (I, II, III …)"),
    Rule("ANX-03", E, "Phụ lục I, III.1b", _QD_ANNEX, f"Tên phụ lục: in hoa, đậm, cỡ {f.ANNEX_TITLE}, căn giữa"),
    Rule("ANX-04", E, "Phụ lục I, III.1c", _QD_ANNEX,
         f"Dòng «(Kèm theo Quyết định số …/QĐ-UBND ngày … tháng … năm … của …)»: nghiêng, cỡ {f.ANNEX_REFERENCE}, "
         "căn giữa"),
    Rule("ANX-05", P, "Phụ lục III, Mẫu 2.1", _QD_ANNEX,
         "Trang phụ lục không có Quốc hiệu, tên cơ quan ban hành"),
    Rule("ANX-06", M, "Phụ lục III, Mẫu 2.1", _QD_ANNEX, "Nội dung phụ lục kết thúc bằng «./.»"),
    Rule("ANX-07", P, "thực tiễn", _QD_ANNEX, "Hàng tiêu đề của bảng phụ lục lặp lại ở đầu mỗi trang"),
    Rule("ANX-08", P, "thực tiễn", _QD_ANNEX, "Hàng của bảng phụ lục không bị ngắt sang trang sau"),
    # Structure
    Rule("DOC-01", E, "Phụ lục III, Mẫu 1.2–1.3", _QD,
         "Thứ tự: phần đầu → tên loại → thẩm quyền → căn cứ → «QUYẾT ĐỊNH:» → các điều → chữ ký, nơi nhận "
         "→ phụ lục"),
    Rule("DOC-02", E, "Điều 15.1", frozenset(),
         "Số, ký hiệu không trùng trong năm (kiểm tra trên sổ đăng ký, không trên từng tệp)"),
    Rule("DOC-03", P, "Điều 15.2", _QD,
         "Bản thảo để trống cả số và ngày, không có ảnh chữ ký, con dấu; văn bản đã có số thì có đủ ngày"),
    # Pages as laid out
    Rule("LAYOUT-01", P, "thực tiễn; Phụ lục I, II.7–8", _QD,
         "Khối chữ ký (thẩm quyền, chức vụ, họ tên) và Nơi nhận nằm trọn trên một trang", on_pages=True),
    Rule("LAYOUT-02", P, "thực tiễn (các văn bản mẫu)", _QD,
         "Trang có chữ ký có ít nhất phần cuối của nội dung văn bản phía trên khối chữ ký", on_pages=True),
    Rule("LAYOUT-03", P, "thực tiễn", _ALL,
         "Không để tên loại, trích yếu, «QUYẾT ĐỊNH:», tên điều hay đề mục nhóm là dòng cuối của trang",
         on_pages=True),
    Rule("LAYOUT-04", P, "thực tiễn", _ALL, "Không ngắt một từ sang dòng sau trong ô bảng", on_pages=True),
    Rule("LAYOUT-05", P, "thực tiễn", _ALL, "Bảng kéo dài qua nhiều trang lặp lại hàng tiêu đề ở mỗi trang",
         on_pages=True),
    Rule("LAYOUT-06", P, "thực tiễn", _ALL, "Không có trang trống, trang chỉ có ghi chú hoặc chỉ một dòng",
         on_pages=True),
    Rule("LAYOUT-07", E, "Phụ lục I, I.7", _ALL,
         "Số trang hiện ở giữa lề trên từ trang thứ hai, đúng thứ tự; trang đầu không hiện số trang", on_pages=True),
    Rule("LAYOUT-08", P, "thực tiễn; Phụ lục I, II.5b", _QD_OTHER,
         "Dòng cuối của trích yếu không chỉ có một từ hay «năm …» đứng riêng; «năm» không tách khỏi số năm",
         on_pages=True),
)

RULE_BY_ID: Mapping[str, Rule] = MappingProxyType({rule.id: rule for rule in RULES})
