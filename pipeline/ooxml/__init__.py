"""The .docx layer: reading WordprocessingML as Word would, rendering templates, deterministic packages."""
