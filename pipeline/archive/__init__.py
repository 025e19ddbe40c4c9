"""Stage 5: LibreOffice as a component, PDF/A copies and the append-only archive."""
