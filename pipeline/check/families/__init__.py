"""The rule families: one module per part of the decree it checks, each naming the rule ids it reports.

`FAMILIES` is the order they run in, which is the order of a file's problems per rule group.
"""

from __future__ import annotations

from pipeline.check.families import (
    annexes,
    body,
    fonts,
    header_block,
    page,
    page_numbers,
    preamble,
    signature,
    structure,
    title,
)

FAMILIES = (page.check_page, fonts.check_fonts, page_numbers.check_page_numbers, header_block.check_header,
            title.check_title, preamble.check_authority, preamble.check_bases, preamble.check_decides,
            body.check_body, signature.check_signature, structure.check_draft, annexes.check_annexes,
            structure.check_order)
