"""The conformance checker: a .docx (or a decision and its annexes) against the NĐ 30 rules."""
