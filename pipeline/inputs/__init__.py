"""The reading edge: every input file a clerk keeps (YAML, .xlsx) is read, and written back, here."""
