"""The general decision kind (quyet-dinh): articles, khoản and điểm from the case, amounts in words."""

from __future__ import annotations

import docx

from pipeline.build.prepare import rank_sheet
from pipeline.build.stages import BuildOptions, build_cases
from tests.conftest import BUILD_DAY, CASES, ROOT

KHEN_THUONG = CASES / "lang-son-2024-khen-thuong"


def _body(path) -> list[str]:
    return [p.text for p in docx.Document(path).paragraphs if p.text.strip()]


def test_reward_decision_structure_and_amounts(built):
    body = _body(built / KHEN_THUONG.name / "quyet-dinh.docx")
    start = body.index("QUYẾT ĐỊNH:") + 1
    assert [line.split(" ")[0] + (" " + line.split(" ")[1] if line.startswith("Điều") else "")
            for line in body[start:]] == ["Điều 1.", "1.", "2.", "Điều 2.", "1.", "2.", "3.", "a)", "b)", "Điều 3."]
    assert ("1. Mỗi tập thể được tặng Bằng khen kèm theo tiền thưởng 3.600.000 đồng "
            "(Bằng chữ: Ba triệu sáu trăm nghìn đồng);") in body
    assert "2. Tổng số tiền thưởng: 7.200.000 đồng (Bằng chữ: Bảy triệu hai trăm nghìn đồng);" in body
    assert body[-1].startswith("Điều 3. Quyết định này có hiệu lực thi hành kể từ ngày ký.")
    assert body[-1].endswith("chịu trách nhiệm thi hành Quyết định này./.")
    recipients = docx.Document(built / KHEN_THUONG.name / "quyet-dinh.docx").tables[1].rows[0].cells[0]
    assert recipients.paragraphs[1].text == "- Như Điều 3;"


def test_rewarded_agencies_are_the_first_of_the_2023_par_ranking(built):
    case = CASES / "lang-son-2023-sipas-par"
    ranking, problems = rank_sheet("par", case / "par-2023.xlsx", ROOT / "fixtures/criteria/lang-son/par-2023.yaml",
                                   ROOT / "fixtures/agencies/lang-son-2023.yaml")
    assert ranking is not None and not problems
    body = "\n".join(_body(built / KHEN_THUONG.name / "quyet-dinh.docx"))
    for group in ranking.groups:
        first = group.rows[0].agency.replace("UBND", "Ủy ban nhân dân")
        assert f"{first}, xếp thứ nhất" in body


def test_points_follow_vietnamese_letter_order(tmp_path, case_copy):
    folder = case_copy("lang-son-2024-khen-thuong")
    text = (folder / "case.yaml").read_text(encoding="utf-8")
    text = text.replace("""          - Quỹ thi đua, khen thưởng của tỉnh năm 2024;
          - Sở Tài chính hướng dẫn thủ tục thanh toán theo quy định.""",
                        "\n".join(f"          - Điểm thứ {n};" for n in range(1, 9)))
    (folder / "case.yaml").write_text(text, encoding="utf-8")
    [result] = build_cases([folder], BuildOptions(out=tmp_path / "out", build_day=BUILD_DAY))
    assert result.status == "built", result.problems
    letters = [line.split(")")[0] for line in _body(tmp_path / "out" / folder.name / "quyet-dinh.docx")
               if line.startswith("Điểm") is False and ") Điểm thứ" in line]
    assert letters == ["a", "b", "c", "d", "đ", "e", "g", "h"]
