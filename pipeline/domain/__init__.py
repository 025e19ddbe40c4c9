"""Pure domain rules: the legal registry as dated data, cross-file validation, rebuild fingerprints."""
