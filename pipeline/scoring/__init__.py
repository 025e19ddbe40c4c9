"""Scores to rankings: the records of the scoring back end, checks of a score table, ranking, annex tables. Pure."""
