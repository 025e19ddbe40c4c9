"""Documents as they fall on paper: a .docx laid out by LibreOffice, its pages read back, the page rules."""
