"""`quyet-dinh`: a general decision whose articles are written in the case (khoản, điểm, amounts).

Its template and wording: templates/decisions/quyet-dinh.docx and .yaml. It produces the decision only.
"""

from __future__ import annotations

from pipeline.inputs.model import Flag
from pipeline.inputs.schema import Article, CaseBase
from pipeline.kinds.base import Kind


class Keys(CaseBase):
    articles: tuple[Article, ...] = ()  # the articles, each with its khoản and điểm
    effective_clause: Flag = False  # the executors' article opens with "Quyết định này có hiệu lực …"


class GeneralDecision(Kind):
    name = "quyet-dinh"
    Keys = Keys


KIND = GeneralDecision()
