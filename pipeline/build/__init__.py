"""Orchestration: the stage order, what a build wrote (manifest) and regenerating drafts."""
