"""The `qdgen` command and its reports."""
