"""qdgen: Vietnamese administrative decisions (QĐ-UBND) in Nghị định 30/2020 format."""

__version__ = "0.1.0"
