"""Nghị định 30/2020/NĐ-CP as data: its format rules (ids of format.md §13)."""
