"""The office's web page and HTTP API over a workspace (`qdgen serve`); see README, "The web page"."""
